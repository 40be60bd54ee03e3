"""Exercises of notebook 08_open_datasets: 08.1 (measure an image folder from its files: images per
class, the usual size and the photos that are not that size), 08.2 (which open data sets a project
may train on: classes, images per class, resolution, colour and licence, for any project) and 08.3
(experiment: does resolution matter for transfer? CIFAR-10's 32-px cats and dogs against the real
pet photos at 32 and at 96 px, read from the 95 % intervals).

Per exercise, its solution ``_solution_08_1`` (its body is the code ``solution("08.1")``
shows) and its checker ``_check_08_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np
from PIL import Image
from sklearn.linear_model import LogisticRegression

from tlcourse import data
from tlcourse._i18n import N_, _
from tlcourse.config import fast_or_full
from tlcourse.exercises import exercise
from tlcourse.exercises._common import accuracies_per_seed, interval_verdict, is_function, is_share_of
from tlcourse.experiments import PairedDifference
from tlcourse.models import backbone_preprocess, imagenet_backbone

__all__: list[str] = []

NOTEBOOK = "08_open_datasets"


# --------------------------------------------------------------------------- 08.1

def _solution_08_1() -> Callable[[Any], dict[str, Any]]:
    def measure_folder(folder):
        # a folder of class sub-folders of images: measured from the files, nothing assumed
        counts, size_of = {}, {}
        for class_dir in sorted(Path(folder).iterdir()):
            if not class_dir.is_dir() or class_dir.name.startswith("."):     # .ipynb_checkpoints, ...
                continue
            files = sorted(f for f in class_dir.iterdir()                      # .JPG counts, ._x.jpg does not
                           if f.suffix.lower() in data.IMAGE_EXTENSIONS and not f.name.startswith("."))
            counts[class_dir.name] = len(files)
            for f in files:
                with Image.open(f) as image:                                   # reads the header only
                    size_of[f] = image.size                                    # (width, height)
        typical = Counter(size_of.values()).most_common(1)[0][0]
        odd = sorted(f for f, size in size_of.items() if size != typical)
        return {"counts": counts, "typical": typical, "odd": odd}

    answer = measure_folder      # in the notebook: measure_folder(data.locate("sign_language_digits"))
    return answer


def _measure_08_1(folder: Path) -> dict[str, Any]:
    # the checker's own measurement: the same rules as the solution, written once more
    counts, size_of = {}, {}
    for class_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = [f for f in sorted(class_dir.iterdir())
                 if f.suffix.lower() in data.IMAGE_EXTENSIONS and not f.name.startswith(".")]
        counts[class_dir.name] = len(files)
        for f in files:
            with Image.open(f) as image:
                size_of[f.name] = image.size
    typical = Counter(size_of.values()).most_common(1)[0][0]
    return {"counts": counts, "typical": typical, "odd": {n for n, s in size_of.items() if s != typical}}


def _messy_folder(root: Path) -> None:
    # a small folder as real downloads come: a usual size that is not square (and not the sign
    # photos' 100 x 100), a few photos of other sizes (one turned sideways), gray and colour photos,
    # upper-case extensions, PNGs, a README, notes and macOS / Jupyter leftovers
    rng = np.random.default_rng(8)
    usual = (36, 24)                                                   # (width, height)
    plan = {"ant": 7, "bee": 4, "cow": 9}
    odd = {("bee", 1): (24, 36), ("cow", 3): (72, 48), ("cow", 8): (36, 25)}
    (root / "README.txt").write_text("All images are 100 x 100 pixels.\n")
    (root / ".ipynb_checkpoints").mkdir()
    for name, n in plan.items():
        (root / name).mkdir()
        (root / name / "notes.txt").write_text("taken on a Tuesday\n")
        (root / name / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
        for i in range(n):
            size = odd.get((name, i), usual)
            mode = "L" if i % 3 == 0 else "RGB"
            pixels = rng.integers(0, 256, size=(size[1], size[0], 3 if mode == "RGB" else 1), dtype=np.uint8)
            image = Image.fromarray(pixels.squeeze(), mode=None)
            suffix = (".JPG", ".png", ".jpeg")[i % 3]
            image.save(root / name / f"{name}_{i:02d}{suffix}", format="PNG" if suffix == ".png" else "JPEG")
        (root / name / f"._{name}_00.JPG").write_bytes(b"\x00\x05\x16\x07 not an image")   # AppleDouble


_MESSY = N_("the check's folder of 20 photos")


def _odd_names(odd: Any) -> set[str] | str:
    if isinstance(odd, (str, bytes, dict)) or not hasattr(odd, "__iter__"):
        return _("'odd' should be a list of the files (paths) whose size is not the usual one, not {type}").format(
            type=type(odd).__name__)
    return {Path(str(f)).name for f in odd}


def _compare_08_1(given: Any, right: dict[str, Any], where: str) -> str | None:
    # where: the folder measured, an N_() phrase (translated here, where it is shown)
    if not isinstance(given, dict) or any(k not in given for k in ("counts", "typical", "odd")):
        return _("measure_folder should return a dict with the keys 'counts' ({class: number of images}), "
                 "'typical' ((width, height)) and 'odd' (the files of another size)")
    counts = given["counts"]
    if not isinstance(counts, dict):
        return _("'counts' should be a dict {{class name: number of images}}, not {type}").format(
            type=type(counts).__name__)
    counts = {str(k): v for k, v in counts.items()}
    extra = sorted(set(counts) - set(right["counts"]))
    if extra:
        return _("on {where} 'counts' has a class {name} that is no class folder with images: hidden folders "
                 "(.ipynb_checkpoints) and loose files (README.txt) are not classes").format(
            where=_(where), name=repr(extra[0]))
    missing = sorted(set(right["counts"]) - set(counts))
    if missing:
        return _("on {where} 'counts' has no entry for the class folder {name}").format(
            where=_(where), name=repr(missing[0]))
    for name, n in right["counts"].items():
        if counts[name] == n:
            continue
        if isinstance(counts[name], (int, np.integer)) and counts[name] > n:
            return _("on {where} it counts {count} files in {name}, which holds {n} images: it counts files "
                     "that are not images (notes, .DS_Store, macOS '._' copies); keep the image extensions of "
                     "data.IMAGE_EXTENSIONS and skip hidden files").format(
                where=_(where), count=counts[name], name=repr(name), n=n)
        if isinstance(counts[name], (int, np.integer)) and counts[name] < n:
            return _("on {where} it counts {count} images in {name}, not all of them: extensions come in "
                     "upper case too (.JPG), and PNGs are images").format(
                where=_(where), count=counts[name], name=repr(name))
        return _("on {where} 'counts' for {name} should be a number of images, not {value}").format(
            where=_(where), name=repr(name), value=repr(counts[name]))
    typical = given["typical"]
    try:
        typical = tuple(int(v) for v in typical)
    except (TypeError, ValueError):
        return _("'typical' should be the usual size as (width, height), not {value}").format(value=repr(typical))
    if typical != tuple(right["typical"]):
        if typical == tuple(reversed(right["typical"])):
            return _("'typical' is (height, width), NumPy's order: give (width, height), the order of PIL's "
                     "image.size and of the table's w×h")
        return _("on {where} 'typical' is {typical}, which is not the size most of its images have: find the "
                 "most common size among the files (collections.Counter), do not assume the README's").format(
            where=_(where), typical=typical)
    odd = _odd_names(given["odd"])
    if isinstance(odd, str):
        return odd
    if not odd and right["odd"]:
        return _("on {where} 'odd' is empty, but {n} images have another size: read each size "
                 "from the file (Image.open(f).size), not from images a loader has already resized").format(
            where=_(where), n=len(right["odd"]))
    if odd - right["odd"]:
        return _("on {where} 'odd' lists a file of the usual size ({name})").format(
            where=_(where), name=sorted(odd - right["odd"])[0])
    if right["odd"] - odd:
        if where == _MESSY:
            return _("on {where} 'odd' misses {missing} of the {n} files of another size (one is only turned "
                     "sideways, one differs by a single pixel)").format(
                where=_(where), missing=len(right["odd"] - odd), n=len(right["odd"]))
        return _("on {where} 'odd' misses {missing} of the {n} files of another size").format(
            where=_(where), missing=len(right["odd"] - odd), n=len(right["odd"]))
    return None


@functools.lru_cache(maxsize=1)
def _sign_reference() -> tuple[Path, dict[str, Any]] | None:
    # the sign-language folder measured by the checker, or None where it is not on this machine
    try:
        folder = data.locate("sign_language_digits", download=False)
    except (OSError, ValueError):
        return None
    return folder, _measure_08_1(folder)


@exercise("08.1", notebook=NOTEBOOK,
          task=N_("Write measure_folder(folder): for a folder of class sub-folders of images, the images per class, "
                  "the usual size (width, height) and the files of another size, all measured from the files."),
          hint=N_("List each class folder's files, keep the image extensions of data.IMAGE_EXTENSIONS (any case) and "
                  "skip hidden files; Image.open(f).size reads (width, height) from the header; "
                  "collections.Counter(...).most_common(1) gives the usual size. Try it on the sign-language folder."),
          solution=_solution_08_1)
def _check_08_1(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be the function measure_folder(folder) itself (numbers copied from one folder "
                 "answer that folder only; the check measures folders of its own)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _messy_folder(root)
        try:
            given = answer(root)
        except OSError as error:      # a '._' file, a note or a folder opened as an image
            return _("measure_folder failed on the check's folder ({error_type}: {error}); real folders "
                     "hold READMEs, notes and hidden macOS '._' files next to the images: keep image extensions, "
                     "skip hidden files and folders").format(error_type=type(error).__name__, error=error)
        except Exception as error:    # e.g. a loader that refuses mixed sizes
            return _("measure_folder failed on the check's folder ({error_type}: {error}): its photos "
                     "have several sizes and no README to trust, as real folders do").format(
                error_type=type(error).__name__, error=error)
        problem = _compare_08_1(given, _measure_08_1(root), _MESSY)
    if problem:
        if isinstance(given, dict) and isinstance(given.get("counts"), dict) and given["counts"] and all(
                str(k) in data.info("sign_language_digits").class_names for k in given["counts"]):
            return _("it returns the sign-language folder's classes for a folder of ants, bees and cows: measure the "
                     "folder the function is given, not the README's numbers")
        return problem
    reference = _sign_reference()
    if reference is not None:                     # and on the real folder of the notebook
        folder, right = reference
        try:
            given = answer(folder)
        except Exception as error:
            return _("measure_folder failed on the sign-language folder ({error_type}: {error})").format(
                error_type=type(error).__name__, error=error)
        return _compare_08_1(given, right, N_("the sign-language folder"))
    return None


# --------------------------------------------------------------------------- 08.2

#: The notebook's single-label classification sets (the keys of its `per_class`): training images,
#: classes, shorter side in px (photos of varying size: None, counted as 224), colour, the licence of
#: the table, and whether that licence grants commercial use.
_SETS_08_2 = {
    "MNIST": (60_000, 10, 28, False, "CC BY-SA 3.0", True),
    "Fashion-MNIST": (60_000, 10, 28, False, "MIT", True),
    "CIFAR-10": (50_000, 10, 32, True, "none stated (free for research)", False),
    "Sign Language Digits": (2_062, 10, 100, True, "Apache-2.0", True),
    "sklearn digits": (1_797, 10, 8, False, "CC BY 4.0 (UCI)", True),
    "CIFAR-100": (50_000, 100, 32, True, "none stated (free for research)", False),
    "ImageNet-1k": (1_281_167, 1000, None, True, "ImageNet terms: non-commercial research and education only", False),
    "Dogs vs. Cats (Kaggle)": (25_000, 2, None, True, "the competition's rules", False),
}
_VARYING_SIDE = 224


def _key(name: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


_BY_KEY = {_key(name): name for name in _SETS_08_2}


def _fails(name: str, project: dict[str, Any]) -> list[str]:
    # the requirements of `project` that the set `name` does not meet
    images, classes, side, colour, _, commercial = _SETS_08_2[name]
    side = _VARYING_SIDE if side is None else side
    fails = []
    if classes < project["classes"]:
        fails.append("classes")
    if images / classes < project["per_class"]:
        fails.append("per_class")
    if side < project["side"]:
        fails.append("side")
    if project["colour"] and not colour:
        fails.append("colour")
    if project["commercial"] and not commercial:
        fails.append("commercial")
    return fails


def _projects_08_2() -> list[dict[str, Any]]:
    # projects the check asks about: boundaries first (a requirement met exactly), then random ones
    projects = [{"classes": 10, "per_class": 6000, "side": 28, "colour": False, "commercial": True},
                {"classes": 10, "per_class": 500, "side": 32, "colour": True, "commercial": True},
                {"classes": 100, "per_class": 500, "side": 32, "colour": True, "commercial": False},
                {"classes": 2, "per_class": 200, "side": 64, "colour": True, "commercial": True},
                {"classes": 10, "per_class": 1000, "side": 8, "colour": False, "commercial": False},
                {"classes": 5, "per_class": 100, "side": 100, "colour": False, "commercial": False}]
    rng = np.random.default_rng(82)
    for _i in range(300):
        projects.append({"classes": int(rng.choice([2, 3, 5, 10, 10, 20, 100, 1000])),
                         "per_class": int(rng.choice([50, 100, 178, 179, 206, 207, 500, 1000, 1281, 5000,
                                                      6000, 12500])),
                         "side": int(rng.choice([8, 16, 28, 32, 48, 64, 96, 100, 128, 200])),
                         "colour": bool(rng.integers(2)), "commercial": bool(rng.integers(2))})
    return projects


def _solution_08_2() -> Callable[[dict], list[str]]:
    # From the notebook's tables: training images, classes, shorter side (photos of varying size: 224),
    # colour, and whether the licence grants commercial use. MIT, Apache-2.0, CC BY and CC BY-SA do
    # (CC BY-SA asks for credit and the same licence on what you share, not for non-commercial use);
    # "none stated" grants nothing, ImageNet's terms exclude it, Kaggle's competition rules are no licence.
    sets = {"MNIST": (60_000, 10, 28, False, True), "Fashion-MNIST": (60_000, 10, 28, False, True),
            "CIFAR-10": (50_000, 10, 32, True, False), "Sign Language Digits": (2_062, 10, 100, True, True),
            "sklearn digits": (1_797, 10, 8, False, True), "CIFAR-100": (50_000, 100, 32, True, False),
            "ImageNet-1k": (1_281_167, 1000, 224, True, False), "Dogs vs. Cats (Kaggle)": (25_000, 2, 224, True, False)}

    def candidates(project):
        return [name for name, (images, classes, side, colour, commercial) in sets.items()
                if classes >= project["classes"] and images / classes >= project["per_class"]
                and side >= project["side"] and (colour or not project["colour"])
                and (commercial or not project["commercial"])]

    answer = candidates
    return answer


def _names(given: Any) -> set[str]:
    # the known set names in what candidates returned (the check has read them once already)
    return {_BY_KEY[_key(item)] for item in given if _key(item) in _BY_KEY}


def _describe(project: dict[str, Any]) -> str:
    values = {"kind": _("commercial") if project["commercial"] else _("research"), "classes": project["classes"],
              "per_class": project["per_class"], "side": project["side"]}
    if project["colour"]:
        return _("a {kind} project with {classes} classes, {per_class:,} training images per class, images of at "
                 "least {side} px in colour").format(**values)
    return _("a {kind} project with {classes} classes, {per_class:,} training images per class, images of at "
             "least {side} px").format(**values)


def _why_not(name: str, reason: str, project: dict[str, Any]) -> str:
    images, classes, side, _colour, licence, _commercial = _SETS_08_2[name]
    if reason == "classes":
        return _("which has only {classes} classes").format(classes=classes)
    if reason == "per_class":
        return _("which has {per_class:,.0f} training images per class ({images:,} in all): compare "
                 "images per class, not the total").format(per_class=images / classes, images=images)
    if reason == "side":
        return _("whose images are {side} px on a side").format(side=side) if side else ""
    if reason == "colour":
        return _("whose images are gray")
    return _("whose licence says '{licence}': does that grant a product commercial use? (free to "
             "download is not free for any purpose)").format(licence=licence)


@exercise("08.2", notebook=NOTEBOOK,
          task=N_("Write candidates(project): the classification sets of the notebook's tables that a project may "
                  "train on, by classes, training images per class, image side, colour and licence."),
          hint=N_("Copy each set's numbers from the tables into a dict (training images, classes, shorter side, "
                  "colour, may a product use it?), then keep the sets that meet every requirement; read each licence: "
                  "which open licences allow commercial use, and what does 'none stated' grant?"),
          solution=_solution_08_2)
def _check_08_2(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be the function candidates(project) itself: the check asks it about many "
                 "projects of its own")
    outputs = []
    for project in _projects_08_2():
        given = answer(dict(project))
        if isinstance(given, (str, bytes, dict)) or not hasattr(given, "__iter__"):
            return _("candidates should return a list of data set names, not {type}").format(
                type=type(given).__name__)
        names = set()
        for item in given:
            if _key(item) not in _BY_KEY:
                return _("{item} is not one of the notebook's classification sets: use the names of "
                         "per_class, {names}").format(item=repr(item), names=", ".join(_SETS_08_2))
            names.add(_BY_KEY[_key(item)])
        outputs.append(names)
    projects = _projects_08_2()
    if len({frozenset(o) for o in outputs}) == 1:
        return _("it returns {names} for every project, but the answer depends on the project: "
                 "check each requirement").format(names=sorted(outputs[0]))
    for project, names in zip(projects, outputs):
        right = {name for name in _SETS_08_2 if not _fails(name, project)}
        for name in sorted(names - right):
            reason = _fails(name, project)[0]
            return _("for {project} it lists {name}, {why}").format(
                project=_describe(project), name=name, why=_why_not(name, reason, project))
        for name in sorted(right - names):
            images, classes, side, colour, licence, _commercial = _SETS_08_2[name]
            if project["commercial"] and name in _names(answer({**project, "commercial": False})):
                return _("for {project} it leaves out {name}, whose licence is {licence}: does it forbid "
                         "commercial use, or only ask for something in return?").format(
                    project=_describe(project), name=name, licence=licence)
            size = (f"{side} px" if side else
                    _("photos of varying size (count them as {side} px)").format(side=_VARYING_SIDE))
            return _("for {project} it leaves out {name}, which meets every requirement ({classes} "
                     "classes, {per_class:,.0f} training images per class, {size}, {colour}): check the comparisons "
                     "(at least = >=)").format(project=_describe(project), name=name, classes=classes,
                                               per_class=images / classes, size=size,
                                               colour=_("colour") if colour else _("gray"))
    return None


# --------------------------------------------------------------------------- 08.3

RESOLUTION_08_3 = ("96 px higher", "no clear difference", "96 px lower")
SAME_SIZE_08_3 = ("pet photos higher", "no clear difference", "CIFAR higher")
_PER_CLASS_08_3 = 50


def _solution_08_3() -> dict[str, Any]:
    limit = fast_or_full(100, 250)                        # LIMIT in the notebook
    pets_96 = data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=limit)
    pets_32 = data.load("cats_vs_dogs", image_size=(32, 32), limit_per_class=limit)    # the same photos
    cifar_32 = data.load("cifar10", classes=("cat", "dog"), limit_per_class=limit)

    base = imagenet_backbone("mobilenet_v2", (96, 96, 3))             # frozen ImageNet features
    inputs = keras.Input(shape=(None, None, 3))
    x = backbone_preprocess("mobilenet_v2")(keras.layers.Resizing(96, 96)(inputs))  # every image to 96 x 96
    features = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(base(x)))

    def accuracies(split):
        f_pool = features.predict(np.concatenate([split.x_train, split.x_val]), verbose=0)
        y_pool = np.concatenate([split.y_train, split.y_val])
        f_test = features.predict(split.x_test, verbose=0)
        scores = []
        for seed in range(fast_or_full(3, 10)):          # N_SEEDS in the notebook
            rng = np.random.default_rng(seed)            # 50 cats and 50 dogs of the pool
            idx = np.concatenate([rng.choice(np.flatnonzero(y_pool == c), 50, replace=False) for c in (0, 1)])
            head = LogisticRegression(max_iter=1000).fit(f_pool[idx], y_pool[idx])
            scores.append(float(head.score(f_test, split.y_test)))
        return scores

    answer = {"pets_96": accuracies(pets_96), "pets_32": accuracies(pets_32), "cifar_32": accuracies(cifar_32)}
    low, high = PairedDifference("96", "32", tuple(range(len(answer["pets_96"]))),
                                 np.subtract(answer["pets_96"], answer["pets_32"])).ci95
    answer["resolution"] = "96 px higher" if low > 0 else "96 px lower" if high < 0 else "no clear difference"
    low, high = PairedDifference("pets", "cifar", tuple(range(len(answer["pets_32"]))),
                                 np.subtract(answer["pets_32"], answer["cifar_32"])).ci95
    answer["same_size"] = "pet photos higher" if low > 0 else "CIFAR higher" if high < 0 else "no clear difference"
    return answer


@functools.lru_cache(maxsize=1)
def _features_08_3() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    # per condition: features and labels of the pool (train + val) and of the test part, computed once
    limit = fast_or_full(100, 250)
    splits = {"pets_96": data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=limit, verbose=False),
              "pets_32": data.load("cats_vs_dogs", image_size=(32, 32), limit_per_class=limit, verbose=False),
              "cifar_32": data.load("cifar10", classes=("cat", "dog"), limit_per_class=limit, verbose=False)}
    base = imagenet_backbone("mobilenet_v2", (96, 96, 3))
    inputs = keras.Input(shape=(None, None, 3))
    x = backbone_preprocess("mobilenet_v2")(keras.layers.Resizing(96, 96)(inputs))
    features = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(base(x)))
    out = {}
    for name, s in splits.items():
        x_pool, y_pool = np.concatenate([s.x_train, s.x_val]), np.concatenate([s.y_train, s.y_val])
        out[name] = (features.predict(x_pool, verbose=0), y_pool, features.predict(s.x_test, verbose=0), s.y_test)
    return out


@functools.lru_cache(maxsize=4)
def _reference_08_3(n_seeds: int) -> dict[str, tuple[list[float], list[float]]]:
    # per condition: (test accuracies, accuracies on the 100 training photos), seeds 0 .. n_seeds - 1
    out = {}
    for name, (f_pool, y_pool, f_test, y_test) in _features_08_3().items():
        test, train = [], []
        for seed in range(n_seeds):
            rng = np.random.default_rng(seed)
            idx = np.concatenate([rng.choice(np.flatnonzero(y_pool == c), _PER_CLASS_08_3, replace=False)
                                  for c in (0, 1)])
            head = LogisticRegression(max_iter=1000).fit(f_pool[idx], y_pool[idx])
            test.append(float(head.score(f_test, y_test)))
            train.append(float(head.score(f_pool[idx], y_pool[idx])))
        out[name] = (test, train)
    return out


def _n_test_08_3() -> int:
    return len(_features_08_3()["pets_96"][3])


def _near(given: list[float], right: list[float], n: int) -> bool:
    # the same accuracies up to 2 test photos per seed (float noise of another batch size can flip one)
    return len(given) == len(right) and all(abs(g - r) <= 2.5 / n for g, r in zip(given, right))


@exercise("08.3", notebook=NOTEBOOK,
          task=N_("Measure a logistic head on frozen ImageNet MobileNetV2 features (images resized to 96 px) for the "
                  "pet photos at 96 px, the same photos at 32 px and CIFAR-10's cats and dogs, over N_SEEDS seeds, "
                  "and conclude from the 95 % intervals."),
          hint=N_("Build the features model once (Resizing(96, 96), backbone_preprocess, the backbone, "
                  "GlobalAveragePooling2D) and compute the pool's and the test part's features once per set; per "
                  "seed draw 50 cats and 50 dogs from the pool as the cell says, fit LogisticRegression(max_iter=1000) "
                  "and score on the test part. The intervals: PairedDifference or run_seeds(...).paired_difference."),
          solution=_solution_08_3)
def _check_08_3(answer: Any) -> str | None:
    keys = ("pets_96", "pets_32", "cifar_32", "resolution", "same_size")
    if not isinstance(answer, dict) or any(k not in answer for k in keys):
        return _("the answer should be a dict with the keys {keys}").format(keys=", ".join(repr(k) for k in keys))
    given = {}
    for name in ("pets_96", "pets_32", "cifar_32"):
        values = accuracies_per_seed(answer[name], name)
        if isinstance(values, str):
            return values
        given[name] = values
    lengths = {len(v) for v in given.values()}
    if len(lengths) > 1:
        return _("the three lists have different lengths: measure the three sets on the same seeds, so that they "
                 "pair up")
    n_seeds = lengths.pop()
    if not 3 <= n_seeds <= 20:
        return _("{n} seed(s): an interval needs at least 3 seeds (use N_SEEDS: seeds 0, 1, ...; at most "
                 "20)").format(n=n_seeds)
    n_test = _n_test_08_3()
    for name, values in given.items():
        if not all(is_share_of(v, n_test) for v in values):
            return _("{key} holds a number that is not an accuracy on the {n} test photos (a whole "
                     "number of them, divided by their count): were these numbers measured?").format(
                key=f"answer[{name!r}]", n=n_test)
    reference = _reference_08_3(n_seeds)
    if _near(given["pets_96"], reference["pets_32"][0], n_test) and _near(given["pets_32"], reference["pets_96"][0],
                                                                           n_test):
        return _("'pets_96' and 'pets_32' are swapped: 'pets_96' is data.load(..., image_size=(96, 96))")
    for name, values in given.items():
        test, train = reference[name]
        if _near(values, test, n_test):
            continue
        if _near(values, train, _PER_CLASS_08_3 * 2):
            return _("{key} looks like the accuracy on the 100 training photos the head was fitted on: "
                     "score on the test part, which the head never saw").format(key=f"answer[{name!r}]")
        others = [other for other, (t, _) in reference.items() if other != name and _near(values, t, n_test)]
        if others:
            return _("{key} holds the accuracies of {other}: each key its own set of photos").format(
                key=f"answer[{name!r}]", other=repr(others[0]))
        return _("{key} is not what the described experiment gives (the check re-ran it): LIMIT photos "
                 "per class, the pool = x_train and x_val together, per seed rng = np.random.default_rng(seed) and "
                 "rng.choice(np.flatnonzero(y_pool == c), 50, replace=False) for c in (0, 1), every image resized to "
                 "96 × 96 before backbone_preprocess, LogisticRegression(max_iter=1000), seeds 0, 1, ... in "
                 "order").format(key=f"answer[{name!r}]")
    seeds = tuple(range(n_seeds))
    checks = (("resolution", RESOLUTION_08_3, "pets_96", "pets_32", "pets 96 px - pets 32 px"),
              ("same_size", SAME_SIZE_08_3, "pets_32", "cifar_32", "pets 32 px - CIFAR 32 px"))
    for key, labels, a, b, what in checks:
        if answer[key] not in labels:
            return _("{key} should be one of {labels}").format(
                key=f"answer[{key!r}]", labels=", ".join(repr(label) for label in labels))
        low, high = PairedDifference(a, b, seeds, np.subtract(given[a], given[b])).ci95
        problem = interval_verdict(answer[key], low, high, (labels[0], labels[2], labels[1]), what)
        if problem:
            return f"answer[{key!r}]: {problem}"
    return None
