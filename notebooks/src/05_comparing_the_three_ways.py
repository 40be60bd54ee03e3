# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/05_comparing_the_three_ways.ipynb)
#
# # 05 · The three ways compared
#
# **What you will learn**
# - why fine-tuning converges faster than training from scratch: it **starts near the optimum**,
#   and what that head start costs when you count seconds instead of epochs;
# - ② and ③ as one function with the `tlcourse` helpers, run over several seeds on the lecture's
#   own example (dogs vs cats) and on a far target (sign photos);
# - one comparison table of the three ways and a CNN trained from scratch: test accuracy,
#   training time, trainable parameters, and verdicts computed from the seeds;
# - which way fits which situation, and how to choose between ② and ③ without peeking at the test set;
# - an experiment of your own: with only a few photos per digit, does the verdict change?
#
# Lecture: [6-3 Three ways to transfer](../README.md#lecture-6-3-three-ways-to-transfer)
# (the advantages of fine-tuning) and 6-4's rule of thumb.


# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)
# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Set-up
#
# Fast mode (`TLCOURSE_FAST=1`, used by the tests) runs the same cells with fewer photos and
# epochs; the stored outputs come from a full run. Every run is seeded, so it gives the same
# numbers twice.

# %% slideshow={"slide_type": "-"}
import time

import tlcourse                      # first: it silences TensorFlow's start-up messages
import keras
import matplotlib.pyplot as plt
import numpy as np
from tlcourse import data
from tlcourse.config import FAST, SEED, fast_or_full, seed_everything
from tlcourse.exercises import check
from tlcourse.models import backbone_preprocess, imagenet_backbone, load_pretrained
from tlcourse.surgery import trainable_report

SIGN_PER_CLASS = fast_or_full(30, None)    # sign-language photos per digit (None = all ~206)
PETS_PER_CLASS = fast_or_full(60, 250)     # dogs-vs-cats photos per class, for training and for test
HEAD_EPOCHS = fast_or_full(8, 30)          # epochs of the new head on frozen features
FT_EPOCHS = fast_or_full(1, 4)             # fine-tuning epochs
SCRATCH_EPOCHS = fast_or_full(2, 10)       # epochs of the from-scratch baseline
SEEDS = fast_or_full([SEED, SEED + 1], [SEED, SEED + 1, SEED + 2])
print(f"fast mode: {FAST} | head {HEAD_EPOCHS} epochs, fine-tuning {FT_EPOCHS}, "
      f"scratch {SCRATCH_EPOCHS} | seeds {SEEDS}")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## ② and ③ as one function, with the `tlcourse` helpers
#
# Notebooks 03 and 04 built ② and ③ step by step in raw Keras. Each step is one call of a helper:
#
# | raw Keras (notebooks 03, 04) | helper |
# |---|---|
# | `base.trainable = False` | `freeze(base)` |
# | pooling + `Dense` on `base(x, training=False)` | `with_new_head(base, num_classes=...)` (2 classes → `Dense(1, "sigmoid")`) |
# | the unfreeze loop, BN kept frozen | `set_freeze_depth(base, len(base.layers) - N_TOP)` |
# | `compile` again with a new, lower learning rate | `compile_again(model, learning_rate=1e-4)` |
#
# `transfer_model` puts resizing and preprocessing in front of the base, so the model takes raw
# photos of any size. `frozen_features` computes the frozen features once (they do not depend on
# the seed), timing each stage. `approaches_2_and_3` runs ② then ③ from ②'s head for one seed,
# with notebook 04's settings (unfreeze the `N_TOP` layers from `block_13_expand` up, Adam at
# 1e-4). Given a `record` dict, it also keeps what the next section needs: where ② ended on the
# validation photos, ③'s validation accuracy after every epoch with a clock, and the seconds of
# every stage before ③'s epoch 0.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.surgery import compile_again, freeze, set_freeze_depth, with_new_head

def transfer_model(image_shape, num_classes):
    # image -> (resize to 96 if needed) -> preprocess -> frozen ImageNet MobileNetV2 -> new head
    base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))
    inputs = keras.Input(shape=image_shape, name="photo")
    x = inputs if image_shape[:2] == (96, 96) else keras.layers.Resizing(96, 96, name="resize_to_96")(inputs)
    front = keras.Model(inputs, base(backbone_preprocess("mobilenet_v2")(x)), name="imagenet_front")
    model = with_new_head(freeze(front), num_classes=num_classes, name="new_head")
    return model, base

def unfreeze_top(base):
    # ③ as in notebook 04: unfreeze the top N_TOP layers, from block_13_expand up (BN stays frozen)
    n_top = len(base.layers) - [layer.name for layer in base.layers].index("block_13_expand")
    set_freeze_depth(base, len(base.layers) - n_top)
    return n_top

def frozen_features(split):
    # the pooled features of every photo, computed once, and the seconds of each stage
    start = time.perf_counter()
    model, _ = transfer_model(split.x_train.shape[1:], len(split.class_names))   # loads the ImageNet weights
    seconds = {"load": time.perf_counter() - start}
    extractor = keras.Model(model.inputs, model.get_layer("new_head_pool").output)
    feats = {}
    for part in ("train", "val", "test"):
        start = time.perf_counter()
        feats[part] = extractor.predict(getattr(split, f"x_{part}"), verbose=0)
        seconds[part] = time.perf_counter() - start
    return feats, seconds


# %% slideshow={"slide_type": "subslide"}
def approaches_2_and_3(split, feats, seed, record=None):
    # ② new head on frozen features, then ③ fine-tune the top from that head; one seed
    seed_everything(seed)
    model, base = transfer_model(split.x_train.shape[1:], len(split.class_names))
    loss = "binary_crossentropy" if len(split.class_names) == 2 else "sparse_categorical_crossentropy"
    head = keras.Sequential([keras.Input(shape=(1280,)), model.get_layer("new_head")])
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=loss, metrics=["accuracy"])
    start = time.perf_counter()
    head.fit(feats["train"], split.y_train, epochs=HEAD_EPOCHS, batch_size=32, verbose=0)
    head_seconds = time.perf_counter() - start
    acc_2 = head.evaluate(feats["test"], split.y_test, verbose=0)[1]   # = the whole model on the photos
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=loss, metrics=["accuracy"])

    unfreeze_top(base)                                        # unfreeze the top, BN stays frozen
    compile_again(model, learning_rate=1e-4)                  # new compile, low learning rate
    clock, watch = [], {}
    if record is not None:                                    # validation photos after every epoch, on a clock
        record.update(start=head.evaluate(feats["val"], split.y_val, verbose=0),    # where ② ended: [loss, acc]
                      head_seconds=head_seconds)
        watch = {"validation_data": (split.x_val, split.y_val), "callbacks": [keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: clock.append(time.perf_counter()))]}
    start = time.perf_counter()
    history = model.fit(split.x_train, split.y_train, epochs=FT_EPOCHS, batch_size=32, verbose=0, **watch)
    ft_seconds = time.perf_counter() - start
    acc_3 = model.evaluate(split.x_test, split.y_test, verbose=0)[1]
    if record is not None:
        record.update(history=history.history, epoch_seconds=[t - start for t in clock])
    return {"feature extraction": acc_2, "fine-tuning": acc_3,
            "head seconds": head_seconds, "fine-tune seconds": ft_seconds}


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why fine-tuning converges faster: it starts near the optimum
#
# Lecture 6-3: training from scratch starts from **random** weights, with no guarantee they are
# anywhere near good ones, so the way to a minimum is long. Fine-tuning starts from weights
# that already solve a related task, and from a head that already works — close to a
# minimum — so it converges in a few epochs.
#
# To see it, run ② and ③ on the sign photos (the far target of notebooks 03 and 04) for the
# first seed, `SEEDS[0]`, with a `record` of its validation curve. The other seeds follow further
# below.

# %% slideshow={"slide_type": "-"}
signs = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=SIGN_PER_CLASS)
sign_features, sign_seconds = frozen_features(signs)
first = {}                                                # what SEEDS[0]'s run records
first_row = approaches_2_and_3(signs, sign_features, SEEDS[0], record=first)
print(f"seed {SEEDS[0]}: ② {first_row['feature extraction']:.2%}, ③ {first_row['fine-tuning']:.2%} test accuracy; "
      f"③ starts at {first['start'][1]:.1%} validation accuracy (where ② ended)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The baseline: a small CNN trained **from scratch** on the same photos. (MobileNetV2 itself
# from scratch would be the tidier comparison, but on a CPU one of its epochs costs several
# fine-tuning epochs, and 1,500 photos are far too few for its 2.3 million random weights.)
# Like ② and ③, it runs once for every seed in `SEEDS`: its random start and the order of its
# batches are each seed's luck. Every run evaluates its random start and notes the time at the
# end of each epoch, for the plots below.

# %% slideshow={"slide_type": "-"}
from tlcourse.experiments import run_seeds

def small_cnn():
    # the baseline: a small CNN with random weights (seed before calling)
    return keras.Sequential([
        keras.Input(shape=(96, 96, 3), name="photo"),
        keras.layers.Rescaling(1 / 255, name="rescale"),
        keras.layers.Conv2D(16, 3, strides=2, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(name="pool1"),
        keras.layers.Conv2D(32, 3, activation="relu", name="conv2"),
        keras.layers.MaxPooling2D(name="pool2"),
        keras.layers.Conv2D(64, 3, activation="relu", name="conv3"),
        keras.layers.MaxPooling2D(name="pool3"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ], name="scratch_cnn")

scratch_curves = {}    # seed -> (validation [loss, accuracy] before training, history, seconds at each epoch's end)

def from_scratch(seed):
    # one seed of the baseline: evaluate the random start, then fit with a clock on every epoch
    seed_everything(seed)
    model = small_cnn()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    epoch_0 = model.evaluate(signs.x_val, signs.y_val, verbose=0)            # random weights
    clock = []
    start = time.perf_counter()
    history = model.fit(signs.x_train, signs.y_train, epochs=SCRATCH_EPOCHS, batch_size=32,
                        validation_data=(signs.x_val, signs.y_val), verbose=0,
                        callbacks=[keras.callbacks.LambdaCallback(
                            on_epoch_end=lambda epoch, logs: clock.append(time.perf_counter()))])
    seconds = time.perf_counter() - start
    scratch_curves[seed] = (epoch_0, history.history, [t - start for t in clock])
    return {"from scratch": model.evaluate(signs.x_test, signs.y_test, verbose=0)[1], "scratch seconds": seconds}

scratch_results = run_seeds(from_scratch, SEEDS, verbose=True)
scratch = small_cnn()                                    # its size, for the table (the same for every seed)
print(f"from scratch: {scratch.count_params():,} parameters, {SCRATCH_EPOCHS} epochs in "
      f"{scratch_results.mean('scratch seconds'):.0f} s per seed, test accuracy "
      f"{scratch_results.mean('from scratch'):.2%} on average over {len(SEEDS)} seeds")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Counted in epochs
#
# Validation curves of the first seed, **epoch 0 = before any training**. Fine-tuning's epoch 0
# is where ② ended. (The plotting code is folded away.)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "subslide"} tags=["remove-input"]
start_loss, start_acc = first["start"]
scratch_start, history_scratch, scratch_epoch_seconds = scratch_curves[SEEDS[0]]
curves = {"③ fine-tuning (from ②'s model)": ((start_loss, start_acc), first["history"], "C2"),
          "small CNN from scratch": (scratch_start, history_scratch, "C3")}
fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(12, 4.2))
for label, ((loss0, acc0), hist, color) in curves.items():
    epochs = np.arange(len(hist["val_loss"]) + 1)
    ax_acc.plot(epochs, [acc0] + hist["val_accuracy"], "o-", color=color, label=label)
    ax_loss.plot(epochs, [loss0] + hist["val_loss"], "o-", color=color, label=label)
ax_acc.axhline(0.1, color="0.6", ls=":", label="chance (10 %)")
for ax, what in ((ax_acc, "validation accuracy"), (ax_loss, "validation loss (cross-entropy)")):
    ax.set_xlabel("epoch (0 = before training)")
    ax.set_ylabel(what)
    ax.grid(alpha=0.3)
    ax.legend()
ax_acc.set_title("Sign digits: accuracy per epoch")
ax_loss.set_title("Sign digits: loss per epoch")
fig.tight_layout()


# %% slideshow={"slide_type": "subslide"}
def first_epoch_reaching(level, acc0, hist):
    # the first epoch (0 = before training) whose validation accuracy reaches `level`
    reached = [e for e, acc in enumerate([acc0] + hist["val_accuracy"]) if acc >= level]
    return reached[0] if reached else None

print(f"fine-tuning starts at {start_acc:.1%} validation accuracy (where ② ended)")
for label, ((_, acc0), hist, _) in curves.items():
    epoch = first_epoch_reaching(start_acc, acc0, hist)
    when = f"epoch {epoch}" if epoch is not None else f"not within {len(hist['val_accuracy'])} epochs"
    print(f"{label:<32} epoch 0: {acc0:6.1%} | after {FT_EPOCHS} epochs: "
          f"{hist['val_accuracy'][FT_EPOCHS - 1]:6.1%} | reaches {start_acc:.1%}: {when} | "
          f"last epoch: {hist['val_accuracy'][-1]:6.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the two panels: fine-tuning starts where ② ended and only adjusts from there; the scratch
# CNN starts at chance and has to climb. Counted in epochs, that is the lecture's "starts near
# the optimum, converges faster".
#
# ### Counted in seconds: fine-tuning's epoch 0 is not free
#
# Fine-tuning's epoch 0 comes **after** all of ②: loading the ImageNet weights, computing the
# frozen features of the training and validation photos, training the head. The epoch plot
# puts all of that at 0. A fair clock starts both pipelines at 0 s, when neither has done
# anything, so below fine-tuning's curve starts at ②'s total seconds (the test photos' features
# are left out: they are evaluation, not training). Seconds are this machine's and vary between
# runs on a shared CPU; epochs do not. (The plotting code is folded away.)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "subslide"} tags=["remove-input"]
before_ft = sign_seconds["load"] + sign_seconds["train"] + sign_seconds["val"] + first["head_seconds"]
ft_accuracy = [start_acc, *first["history"]["val_accuracy"]]
clocks = {  # label: (seconds since the pipeline started, validation accuracy, line style, colour)
    "③ fine-tuning, ② counted": (before_ft + np.array([0, *first["epoch_seconds"]]), ft_accuracy, "o-", "C2"),
    "③ fine-tuning, as if ② were free": (np.array([0, *first["epoch_seconds"]]), ft_accuracy, "o:", "C2"),
    "small CNN from scratch": (np.array([0, *scratch_epoch_seconds]),
                               [scratch_start[1], *history_scratch["val_accuracy"]], "o-", "C3"),
}
fig, ax = plt.subplots(figsize=(9, 4.2))
ax.axvspan(0, before_ft, color="C1", alpha=0.15, label=f"② before fine-tuning's epoch 0 ({before_ft:.0f} s)")
for label, (seconds_so_far, accuracy, style, color) in clocks.items():
    ax.plot(seconds_so_far, accuracy, style, color=color, label=label)
ax.axhline(start_acc, color="0.5", ls="--", lw=1, label=f"where ② ended ({start_acc:.1%})")
ax.set_xlabel("seconds of training since the pipeline started (first seed)")
ax.set_ylabel("validation accuracy")
ax.set_title("Sign digits: accuracy per second, with ②'s cost counted")
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
fig.tight_layout()


# %% slideshow={"slide_type": "subslide"}
def first_second_reaching(level, seconds_so_far, accuracy):
    # the first time (s) at which the validation accuracy reaches `level`; None if it never does
    reached = [t for t, acc in zip(seconds_so_far, accuracy) if acc >= level]
    return reached[0] if reached else None

def who_gets_there_first(level):
    # fine-tuning with ② counted vs the scratch CNN: the seconds each needs to reach `level`, and who is first
    t_ft = first_second_reaching(level, *clocks["③ fine-tuning, ② counted"][:2])
    t_scratch = first_second_reaching(level, *clocks["small CNN from scratch"][:2])
    scratch_end = clocks["small CNN from scratch"][0][-1]
    if t_scratch is None:
        stopped = f"the scratch CNN stays below it in its {SCRATCH_EPOCHS} epochs ({scratch_end:.0f} s)"
        if scratch_end < t_ft:                  # it stopped before fine-tuning got there: no race
            return f"fine-tuning after {t_ft:.0f} s; {stopped}, so no winner on this budget"
        return f"fine-tuning after {t_ft:.0f} s; {stopped} -> fine-tuning first"
    times = f"fine-tuning after {t_ft:.0f} s, the scratch CNN after {t_scratch:.0f} s"
    if t_ft == t_scratch:
        return f"{times} -> a tie"
    return f"{times} -> {'fine-tuning' if t_ft < t_scratch else 'the scratch CNN'} first"

print(f"② before fine-tuning's epoch 0: {sign_seconds['load']:.1f} s loading the weights + "
      f"{sign_seconds['train'] + sign_seconds['val']:.1f} s features + {first['head_seconds']:.1f} s head "
      f"= {before_ft:.1f} s")
print(f"to reach {start_acc:.1%} (where ② ended): {who_gets_there_first(start_acc)}")
best_ft = max(ft_accuracy)
if best_ft > start_acc:                                  # fine-tuning went higher: a second level to race to
    print(f"to reach {best_ft:.1%} (fine-tuning's best): {who_gets_there_first(best_ft)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The lecture's claim is about **epochs**: from a good start, the optimisation is short. The
# good start has a price, paid before epoch 0, and the lines above say whether fine-tuning,
# with that price counted, still gets to ②'s level before a CNN trained from nothing. On a big,
# hard target a network from scratch needs many epochs, and the price of ② is small beside
# them; on small photos of hands on plain backgrounds, a CNN of about 34,000 weights can run
# whole epochs in the time MobileNetV2 takes to compute the features of the same photos.
#
# Converging faster is also not the same as ending higher: the comparison table below puts
# the final test accuracies of all three over the same seeds side by side, and a verdict line
# under it says whether the scratch CNN or transfer did better on this target.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Dogs vs cats: the lecture's own example
#
# Lecture 6-1's example: reuse an ImageNet network for **dogs vs cats**. Here: real photos of
# pets (Kaggle's *Dogs vs. Cats*), a few hundred for training, resized to 96 × 96 like the sign
# photos. This target is **near** ImageNet, which has over a hundred dog breeds and several cats:
# the case where lecture 6-4 expects the frozen features to do most of the work. (Notebook 01
# measures the same photos from 20 to 1,000 training photos against a CNN trained from scratch,
# and notebook 07 puts them in the lecture's 2 × 2 table.) One seed is one draw of luck (the
# head's random start, the order of the batches), so every seed in `SEEDS` gets its own run of
# `approaches_2_and_3`; the photos and their split stay the same.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images

pets = data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=PETS_PER_CLASS)
show_images(pets.x_train, pets.y_train, pets.class_names, per_class=8,
            title="Dogs vs cats photos at 96 x 96: eight training photos of each")
plt.show()                                                # the photos first, then the runs
pet_features, pet_seconds = frozen_features(pets)
print(f"features of {sum(len(f) for f in pet_features.values()):,} photos: "
      f"{sum(pet_seconds[p] for p in ('train', 'val', 'test')):.0f} s")
pet_results = run_seeds(lambda seed: approaches_2_and_3(pets, pet_features, seed), SEEDS, verbose=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Several seeds for the sign photos too
#
# The run above for `SEEDS[0]` is the sign photos' first row; the same function runs the other
# seeds on the features already computed.

# %% slideshow={"slide_type": "-"}
from tlcourse.experiments import SeedResults

more = run_seeds(lambda seed: approaches_2_and_3(signs, sign_features, seed), SEEDS[1:], verbose=True)
sign_results = SeedResults((SEEDS[0], *more.seeds), [first_row, *more.rows])
print(sign_results)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The comparison table
#
# Approach ① first, as notebook 03 teaches it: the course's MNIST CNN, unchanged, on the 1,797
# scikit-learn digits put in MNIST's layout. `data.digits_as_mnist` is notebook 03's conversion
# (values 0..16 → 0..255, the digit in a 20 × 20 box centred in 28 × 28) as one call. Nothing
# trains and nothing is random in ①, so one run says it all. Then the trainable parameters of
# each model, counted by `trainable_report` on freshly built models (they do not depend on data,
# seed or mode).
#
# The table gives test accuracy as mean ± sd over the seeds, and training seconds on this
# machine: for ② the features of the training and validation photos plus the head, for ③ all of
# ② plus the fine-tuning (it starts from ②'s head), for the scratch CNN its epochs (its runs and
# the sign photos' first fine-tuning also evaluate the validation photos after every epoch, for
# the curves above). Loading the weights and the test photos' features (evaluation, not training)
# are left out of all of them.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
mnist_cnn = load_pretrained("mnist_cnn")
digits = data.load("digits", verbose=False)                          # nothing trains: use all 1,797
x_digits = np.concatenate([digits.x_train, digits.x_val, digits.x_test])
y_digits = np.concatenate([digits.y_train, digits.y_val, digits.y_test])
approach_1 = float(np.mean(mnist_cnn.predict(data.digits_as_mnist(x_digits), verbose=0).argmax(axis=1) == y_digits))
print(f"① mnist_cnn as is on the {len(y_digits):,} scikit-learn digits in MNIST's layout: {approach_1:.2%}\n")

mnist_cnn.trainable = False                                   # ① nothing trains
params = {"①": (trainable_report(mnist_cnn).totals["trainable"], mnist_cnn.count_params())}
for name, shape, k in (("signs", (96, 96, 3), 10), ("pets", (96, 96, 3), 2)):
    model, base = transfer_model(shape, k)
    params[f"② {name}"] = (trainable_report(model).totals["trainable"], model.count_params())
    N_TOP = unfreeze_top(base)
    params[f"③ {name}"] = (trainable_report(model).totals["trainable"], model.count_params())
params["scratch signs"] = (trainable_report(scratch).totals["trainable"], scratch.count_params())
print(f"③ unfreezes the top N_TOP = {N_TOP} of MobileNetV2's {len(base.layers)} layers (from block_13_expand)")
for name, (trainable, total) in params.items():
    print(f"{name:<14} trainable {trainable:>9,} of {total:>9,} parameters ({trainable / total:6.2%})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The comparison table. (The code that builds it is folded away: click the bar beside the table to
# read it.)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "-"} tags=["remove-input"]
from IPython.display import Markdown

from tlcourse.tables import Table

def mean_sd(results, metric):
    values = 100 * results.values(metric)
    sd = f" ± {np.std(values, ddof=1):.1f}" if len(values) > 1 else ""
    return f"{values.mean():.1f}{sd} %"

def seconds(results, *metrics, features=None):
    extra = features["train"] + features["val"] if features else 0.0
    return f"{extra + sum(results.mean(m) for m in metrics):.0f}"

n_sign, n_pet = len(sign_results.seeds), len(pet_results.seeds)
signs_data, pets_data = f"sign photos ({len(signs.y_test)})", f"dogs vs cats photos ({len(pets.y_test)})"
table = Table(["approach", "target data (test images)", "test accuracy", "training s", "trainable parameters"], [
    ["① classifier as is (`mnist_cnn`)", f"scikit-learn digits ({len(y_digits):,})", f"{100 * approach_1:.1f} %",
     "0", "0"],
    ["② frozen MobileNetV2 + new head", signs_data, f"{mean_sd(sign_results, 'feature extraction')} ({n_sign} seeds)",
     seconds(sign_results, "head seconds", features=sign_seconds), f"{params['② signs'][0]:,}"],
    ["③ fine-tuning the top of MobileNetV2", signs_data, f"{mean_sd(sign_results, 'fine-tuning')} ({n_sign} seeds)",
     seconds(sign_results, "head seconds", "fine-tune seconds", features=sign_seconds),
     f"{params['③ signs'][0]:,}"],
    ["baseline: small CNN from scratch", signs_data,
     f"{mean_sd(scratch_results, 'from scratch')} ({len(scratch_results.seeds)} seeds)",
     seconds(scratch_results, "scratch seconds"), f"{params['scratch signs'][0]:,}"],
    ["② frozen MobileNetV2 + new head", pets_data, f"{mean_sd(pet_results, 'feature extraction')} ({n_pet} seeds)",
     seconds(pet_results, "head seconds", features=pet_seconds), f"{params['② pets'][0]:,}"],
    ["③ fine-tuning the top of MobileNetV2", pets_data, f"{mean_sd(pet_results, 'fine-tuning')} ({n_pet} seeds)",
     seconds(pet_results, "head seconds", "fine-tune seconds", features=pet_seconds),
     f"{params['③ pets'][0]:,}"],
])
Markdown(table.markdown())

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The verdicts, computed
#
# **Did fine-tuning help?** ② and ③ of one seed share the head's start and the photos, so
# compare them **seed by seed**: the mean of the per-seed differences with its 95 % confidence
# interval. The sentence says "better" only if the whole interval is above zero; with few seeds
# the interval is wide.
#
# **Did transfer beat a small CNN from scratch?** Transfer is not free: ② and ③ carry
# MobileNetV2's 2.3 million weights, and their head start costs seconds before fine-tuning's
# epoch 0 (measured above). The sign photos are the case lecture 6-4 (and the blog's 2 × 2 table)
# sets apart: a target **unlike** the source, with **enough** photos (about 200 per digit in a
# full run), and hands on plain backgrounds, which a small network can learn from
# the photos alone. There the advice is to train more of the network, up to all of it; a network
# from scratch is the far end of that advice. If the scratch CNN comes out ahead or level,
# ImageNet bought nothing on this target; if transfer comes out ahead, its features were worth
# their price. (A scratch run and a transfer run of one seed share only the photos, so that
# pairing is loose, but the interval of the per-seed differences is still a fair summary.)

# %% slideshow={"slide_type": "subslide"}
for name, results in (("sign photos", sign_results), ("cats vs dogs", pet_results)):
    print(f"{name}: {results.paired_difference('fine-tuning', 'feature extraction').verdict()}")

assert scratch_results.seeds == sign_results.seeds, "both must run over the same seeds"
signs_all = SeedResults(sign_results.seeds, [{**transfer, **own} for transfer, own
                                             in zip(sign_results.rows, scratch_results.rows)])
for transfer in ("feature extraction", "fine-tuning"):
    print(f"sign photos: {signs_all.paired_difference('from scratch', transfer).verdict()}")
ranking = sorted(("from scratch", "feature extraction", "fine-tuning"), key=signs_all.mean, reverse=True)
print("mean test accuracy, highest first:", " > ".join(f"{m} {signs_all.mean(m):.1%}" for m in ranking))

best_transfer = max(("feature extraction", "fine-tuning"), key=signs_all.mean)
low, high = signs_all.paired_difference("from scratch", best_transfer).ci95
if low > 0:
    print(f"so on the sign photos the small CNN from scratch beat the best transfer ({best_transfer}): "
          "a far target with enough photos, where transfer is not worth its cost")
elif high < 0:
    print(f"so on the sign photos the best transfer ({best_transfer}) beat the small CNN from scratch: "
          "the ImageNet features were worth their cost even on this far target")
else:
    print(f"so on the sign photos the small CNN from scratch and the best transfer ({best_transfer}) are "
          f"not clearly apart with {signs_all.paired_difference('from scratch', best_transfer).n} seeds: "
          "transfer bought no clear gain here")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to read the table
#
# - **①** costs nothing and needs no labelled target data, but only fits a target that *is* the
#   source task — and only once the inputs look like the source's.
# - **②** trains only the new head (the parameter counts above) on features computed once: the
#   cheapest way to use a pretrained network on new classes.
# - **③** trains far more parameters, and every epoch runs the whole network again, so it costs
#   much more time; it can adapt the high-level features to the target. Whether that buys
#   accuracy, and how much, the verdicts above say for these two targets and this budget of
#   epochs — not a law of nature.
# - Lecture 6-4's rule of thumb (notebook 07 measures it): with **little data similar to the
#   source**, retrain only the classifier (②) — unfreezing 1.6 million parameters for a few
#   hundred photos invites overfitting; with **more data, or data unlike the source**, fine-tune
#   more (③). The sign photos (far from ImageNet, about 200 per digit) and the dogs and cats
#   (near ImageNet, a few hundred photos) are one case of each: compare the two verdicts.
# - The from-scratch CNN has to learn everything from the target photos alone: it starts at
#   chance and needs epochs to get where fine-tuning starts, but each of its epochs is cheap and
#   it pays nothing before its epoch 0; the table and its verdict show where it ends.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 05.1 — Which way for which situation?
#
# Lecture 6-3 ties each way to a situation. Write the choice down as a rule, a function
# `choose_way(classes_in_source, like_source, photos_per_class)` that returns **1** (the
# pretrained network as a classifier, as is), **2** (a frozen feature extractor with a new
# classifier) or **3** (fine-tuning):
#
# - `classes_in_source`: are all the target's classes classes of the source network?
# - `like_source`: do the target's images look like the source's photos?
# - `photos_per_class`: how many labelled photos per class there are; call fewer than **1,000**
#   "few" (lecture 6-4's small data set).
#
# If every target class is a source class, the answer is ① whatever the images look like:
# notebook 03's section ① showed how to make the inputs look like the source's first.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Then use it on four situations; the source is an ImageNet network each time:
#
# - **(a)** An animal shelter's website must sort pet photos into "long-haired" and
#   "short-haired"; it has a few hundred labelled photos. ImageNet has the cats and dogs, but
#   not these two classes. (Cat vs dog itself could be read off ImageNet's breeds, as approach 1
#   in notebook 03 did; coat length cannot.)
# - **(b)** A dog-show app must name the breed in a photo; every breed it needs is an ImageNet
#   class, and there are no labelled photos to train on.
# - **(c)** A lab has 20,000 labelled grayscale microscope images of blood cells of 5 types,
#   nothing like ImageNet's photos of objects and animals.
# - **(d)** A market app must recognise 10 kinds of fruit in photos much like ImageNet's; 3 of
#   the 10 fruits are not ImageNet classes, and there are 400 labelled photos in all (40 per fruit).
#
# `answer` is the function; the check runs it on these four situations and on others.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function choose_way(classes_in_source, like_source, photos_per_class) -> 1, 2 or 3
check("05.1", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 05.2 — Choose ② or ③ on validation photos, then test once
#
# The table compares ② and ③ on the **test** photos. A project cannot work that way: if the test
# photos choose the way, the test accuracy of the chosen way is no longer an estimate for new
# photos (it won a contest on those very photos). The honest order is: choose on the
# **validation** photos, then measure the chosen way once on the test photos.
#
# For dogs vs cats and the seed `SEEDS[0]`:
#
# 1. the frozen features of `pets.x_val` are there already: `pet_features["val"]`;
# 2. write a copy of `approaches_2_and_3` that evaluates the head **and** the fine-tuned model on
#    the validation photos as well as on the test photos, and change nothing else (same seed,
#    steps in the same order, epochs, learning rates); it takes about as long as one seed above,
#    under half a minute;
# 3. choose the way with the higher validation accuracy (on a tie, either);
# 4. report the chosen way's test accuracy.
#
# `answer` is a dict:
# `{"feature extraction": {"val": ..., "test": ...}, "fine-tuning": {"val": ..., "test": ...},
# "chosen": "feature extraction" or "fine-tuning", "test accuracy": ...}`. The check re-runs ② and ③
# for that seed (about half a minute) and compares.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"feature extraction": {...}, "fine-tuning": {...}, "chosen": ..., "test accuracy": ...}
check("05.2", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 05.3 — Few photos: does the verdict change?
#
# The verdict above compared the scratch CNN with transfer on about 150 training photos per digit
# (in a full run).
# Lecture 6-4 says the amount of data decides: with **little** data, keep the pretrained features
# frozen and train only a new head (②); a network that must learn everything from the photos
# should fall behind. Measure it on the sign photos:
#
# 1. choose `n`, the training photos per digit, from 5 to 20, and keep the first `n` of each digit:
#    `few = np.concatenate([np.flatnonzero(signs.y_train == d)[:n] for d in range(10)])`;
# 2. for each seed of `SEEDS`: `seed_everything(seed)`, then a `small_cnn()` compiled and trained as
#    in `from_scratch` (same optimizer and epochs; no validation needed) on `signs.x_train[few]`;
#    then `seed_everything(seed)` again and ②'s head,
#    `keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dense(10, activation="softmax")])`,
#    compiled and trained as in `approaches_2_and_3` on `sign_features["train"][few]`; evaluate both
#    on all the test photos (a few seconds per seed);
# 3. conclude from the 95 % interval of the per-seed differences (feature extraction − from
#    scratch): `"transfer better"`, `"scratch better"` or `"not clearly apart"`.
#
# `answer` is a dict `{"photos per digit": n, "from scratch": [...], "feature extraction": [...],
# "conclusion": ...}`, one test accuracy per seed in the order of `SEEDS`. The check re-runs your
# `n` (about half a minute). Then compare with the verdict above: what did the amount of data change?

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"photos per digit": n, "from scratch": [...], ...}, as the task says
check("05.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - **Fine-tuning converges faster** in epochs: it starts where ② ended, near the optimum, while a
#   network from scratch starts at chance. Counted in **seconds**, its epoch 0 comes after loading
#   the weights, computing the features and training the head: the race above says who got to ②'s
#   level first on this machine.
# - **② and ③ as one function** with the helpers (`freeze`, `with_new_head`, `set_freeze_depth`,
#   `compile_again` from `tlcourse.surgery`), run over several seeds with `run_seeds`
#   (`tlcourse.experiments`): one seed is one draw of luck.
# - **The table** puts ① (no training, `data.digits_as_mnist` makes the inputs look like MNIST's),
#   ②, ③ and a CNN from scratch side by side: test accuracy over seeds, seconds, trainable
#   parameters. **Verdicts** come from the 95 % interval of the per-seed differences, not from one
#   seed or a mean alone.
# - **Transfer is not free**: on a far target with enough simple photos a small CNN from scratch can
#   match or beat it; the verdict line says what it did here, and exercise 05.3 what fewer photos do.
# - **Choosing the way**: ① when the target's classes are the source's, ② with little data like the
#   source's, ③ with more data or data unlike it — and between ② and ③, choose on **validation**
#   photos, then test once.
# - Exercises 05.1, 05.2 and 05.3: `check("05.1", answer)` says what is right or wrong; instructors
#   reveal a solution with `solution("05.1")` (from `tlcourse.exercises`).
#
# Next: notebook 06 reuses layers the way Géron's book does (model A → model B); notebook 07
# chooses *how much* to freeze (lecture 6-4).
