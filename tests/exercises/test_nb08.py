"""Exercises 08.1, 08.2 and 08.3 (08_open_datasets): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tlcourse import config, data
from tlcourse.exercises import check, passes
from tlcourse.exercises.nb08 import _reference_08_3, _solution_08_1, _solution_08_2, _solution_08_3

needs_data = pytest.mark.skipif(config.data_dir() is None or not config.data_dir().is_dir(),
                                reason="set TLCOURSE_DATA to the offline data sets (CI does)")


@pytest.mark.parametrize("exercise_id, solve", [("08.1", _solution_08_1), ("08.2", _solution_08_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


# --------------------------------------------------------------------------- 08.1

def _measure(folder, *, keep=lambda f: f.suffix.lower() in data.IMAGE_EXTENSIONS and not f.name.startswith("."),
             size=lambda f: Image.open(f).size, typical=None):
    # the right recipe, with one step replaced by a mistake students make
    counts, size_of = {}, {}
    for class_dir in sorted(p for p in Path(folder).iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = [f for f in sorted(class_dir.iterdir()) if keep(f)]
        counts[class_dir.name] = len(files)
        for f in files:
            size_of[f] = size(f)
    usual = typical or Counter(size_of.values()).most_common(1)[0][0]
    return {"counts": counts, "typical": usual, "odd": sorted(f for f, s in size_of.items() if s != usual)}


def test_08_1_rejects_readme_numbers_and_a_function_that_counts_every_file(rejects):
    readme = {"counts": dict.fromkeys("0123456789", 206), "typical": (100, 100), "odd": []}
    rejects("08.1", readme, "function measure_folder")                      # numbers, not a function
    rejects("08.1", lambda folder: readme, "not the README")                # a function that returns them

    def every_file_counted(folder):                                         # len(os.listdir(class_dir))
        right = _measure(folder)
        return {**right, "counts": {c: len(list((Path(folder) / c).iterdir())) for c in right["counts"]}}

    rejects("08.1", every_file_counted, "not images")                       # notes.txt, .DS_Store counted
    rejects("08.1", lambda folder: _measure(folder, keep=lambda f: f.suffix in (".jpg", ".jpeg", ".png")),
            "upper case")
    rejects("08.1", lambda folder: _measure(folder, keep=lambda f: f.suffix.lower() in data.IMAGE_EXTENSIONS),
            "failed on the check's folder", "hidden")                       # opens the macOS '._' file


def test_08_1_rejects_an_assumed_size_numpy_order_and_resized_images(rejects):
    rejects("08.1", lambda folder: _measure(folder, typical=(100, 100)), "most common size")
    rejects("08.1", lambda folder: _measure(folder, size=lambda f: Image.open(f).size[::-1]), "(height, width)")

    def resized(folder):                                                    # sizes after a loader resized them
        return {**_measure(folder), "odd": []}

    rejects("08.1", resized, "'odd' is empty")

    def skips_gray(folder):                                                 # keeps RGB photos only
        right = _measure(folder)
        return {**right, "odd": [f for f in right["odd"] if Image.open(f).mode == "RGB"]}

    rejects("08.1", skips_gray, "misses")

    def with_the_loader(folder):                                            # load_image_folder refuses mixed sizes
        x, y, names = data.load_image_folder(folder)
        return {"counts": dict(zip(names, np.bincount(y).tolist())), "typical": x.shape[2:0:-1], "odd": []}

    rejects("08.1", with_the_loader, "different sizes", "several sizes")


def test_08_1_accepts_file_names_and_string_paths():
    def names_only(folder):
        right = _measure(folder)
        return {**right, "odd": [str(f.name) for f in right["odd"]], "typical": list(right["typical"])}

    assert passes("08.1", names_only)


@needs_data
def test_08_1_measures_the_real_sign_language_folder_too(rejects):
    # right on the check's small folder, but the sign photos' README size hard-coded for the odd ones
    def readme_size_for_sign(folder):
        right = _measure(folder)
        return right if Path(folder).name != "Dataset" else {**right, "odd": right["odd"][:1]}

    rejects("08.1", readme_size_for_sign, "sign-language folder", "misses")


# --------------------------------------------------------------------------- 08.2

def _candidates(*, commercial=None, per_total=False, colour_ignored=False, strict=False, rounded=False):
    # the right rule with the licence column or one comparison replaced by a mistake
    sets = {"MNIST": (60_000, 10, 28, False, True), "Fashion-MNIST": (60_000, 10, 28, False, True),
            "CIFAR-10": (50_000, 10, 32, True, False), "Sign Language Digits": (2_062, 10, 100, True, True),
            "sklearn digits": (1_797, 10, 8, False, True), "CIFAR-100": (50_000, 100, 32, True, False),
            "ImageNet-1k": (1_281_167, 1000, 224, True, False),
            "Dogs vs. Cats (Kaggle)": (25_000, 2, 224, True, False)}
    for name, allowed in (commercial or {}).items():
        sets[name] = (*sets[name][:4], allowed)

    def candidates(project):
        out = []
        for name, (images, classes, side, colour, may_sell) in sets.items():
            per_class = images if per_total else round(images / classes) if rounded else images / classes
            enough = per_class > project["per_class"] if strict else per_class >= project["per_class"]
            if (classes >= project["classes"] and enough and side >= project["side"]
                    and (colour or colour_ignored or not project["colour"])
                    and (may_sell or not project["commercial"])):
                out.append(name)
        return out

    return candidates


def test_08_2_rejects_licences_read_as_free_or_as_forbidding(rejects):
    rejects("08.2", _candidates(commercial={"CIFAR-10": True}), "lists CIFAR-10", "none stated",
            "free to download")                                             # no licence read as any use
    rejects("08.2", _candidates(commercial={"ImageNet-1k": True}), "ImageNet-1k", "non-commercial")
    rejects("08.2", _candidates(commercial={"Dogs vs. Cats (Kaggle)": True}), "competition's rules")
    rejects("08.2", _candidates(commercial={"MNIST": False}), "leaves out MNIST", "CC BY-SA 3.0",
            "forbid commercial use")                                        # share-alike read as non-commercial


def test_08_2_rejects_total_images_ignored_colour_strict_bounds_and_a_fixed_list(rejects):
    rejects("08.2", _candidates(per_total=True), "per class, not the total")
    rejects("08.2", _candidates(colour_ignored=True), "gray")
    rejects("08.2", _candidates(strict=True), "at least = >=")
    rejects("08.2", lambda project: ["Sign Language Digits", "ImageNet-1k"], "for every project")
    rejects("08.2", lambda project: ["cats_vs_dogs"], "not one of the notebook's classification sets")
    rejects("08.2", ["Sign Language Digits"], "function candidates(project)")


def test_08_2_accepts_other_spellings_and_sets():
    right = _candidates()
    assert passes("08.2", lambda project: {name.upper() for name in right(project)})
    assert passes("08.2", _candidates(rounded=True))      # the per-class numbers as the notebook prints them


# --------------------------------------------------------------------------- 08.3

@pytest.fixture(scope="module")
def resolution_answer(solved):
    # the three conditions over the fast- or full-mode seeds; the checker re-measures every seed
    return solved("08.3", _solution_08_3)


@needs_data
def test_08_3_the_solution_passes(resolution_answer, capsys):
    assert passes("08.3", resolution_answer)
    check("08.3", resolution_answer)
    assert "08.3 correct" in capsys.readouterr().out


@needs_data
def test_08_3_rejects_swapped_made_up_training_and_other_set_numbers(resolution_answer, rejects):
    right = resolution_answer
    n = len(right["pets_96"])
    rejects("08.3", {**right, "pets_96": right["pets_32"], "pets_32": right["pets_96"]}, "swapped")
    rejects("08.3", {**right, "cifar_32": [0.6123] * n}, "not an accuracy on the")          # made up
    rejects("08.3", {**right, "pets_32": [0.80] * n}, "re-ran it")                         # plausible, not measured
    _, train = _reference_08_3(n)["pets_32"]
    rejects("08.3", {**right, "pets_32": train}, "training photos")                       # scored on the draw
    rejects("08.3", {**right, "cifar_32": right["pets_32"]}, "accuracies of 'pets_32'")
    rejects("08.3", {**right, "pets_96": [100 * a for a in right["pets_96"]]}, "fractions")
    rejects("08.3", {k: (v[:2] if isinstance(v, list) else v) for k, v in right.items()}, "at least 3 seeds")
    rejects("08.3", {**right, "cifar_32": right["cifar_32"][:-1]}, "same seeds")
    rejects("08.3", "96 px higher", "should be a dict")                                    # the label alone


@needs_data
def test_08_3_rejects_conclusions_its_own_numbers_do_not_support(resolution_answer, rejects):
    right = resolution_answer
    assert right["resolution"] == "96 px higher" and right["same_size"] == "pet photos higher"
    rejects("08.3", {**right, "resolution": "no clear difference"}, "'resolution'", "lies above 0")
    rejects("08.3", {**right, "same_size": "no clear difference"}, "'same_size'", "lies above 0")
    rejects("08.3", {**right, "same_size": "CIFAR higher"}, "contradicts your own numbers")
    rejects("08.3", {**right, "resolution": "higher"}, "should be one of")


def test_08_3_the_placeholder_and_odd_answers_do_not_measure(rejects):
    rejects("08.3", {"pets_96": [0.9] * 3}, "keys")
    rejects("08.3", {"pets_96": "high", "pets_32": [], "cifar_32": [], "resolution": "", "same_size": ""},
            "list of test accuracies")
