"""tlcourse: the helpers behind the transfer-learning course's notebooks.

One module per idea: ``config`` (fast mode, data folder, seeds), ``data`` (data sets,
offline first), ``models`` (ImageNet backbones, the course's own source models),
``pretrain`` (how those source models were made), ``surgery`` (clone, cut, new heads,
freeze), ``plots`` (titled, labelled figures), ``experiments``
(several seeds, paired comparisons), ``exercises`` (checked exercises, hidden solutions),
``features`` (what layers learned, transferability per depth), ``widgets`` (the freeze-depth
slider). Each public function names the notebook
that teaches it in its docstring.
"""

from __future__ import annotations

import os as _os

# Keras 3 on TensorFlow, with TensorFlow's C++ start-up chatter off (it would make
# notebook outputs differ from run to run).
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tlcourse.config import (
    FAST,
    SEED,
    VersionCheck,
    data_dir,
    environment_report,
    fast_or_full,
    seed_everything,
    version_checks,
)
from tlcourse.data import (
    DATASETS,
    CorruptDataError,
    DataNotFoundError,
    DatasetInfo,
    Split,
    as_dataset,
    datasets_table,
    info,
    load,
    load_arrays,
    load_image_folder,
    locate,
    stratified_split,
    tree_sha256,
    verify,
)
from tlcourse.exercises import Exercise, check, exercise, list_exercises, run_solution, solution
from tlcourse.experiments import PairedDifference, SeedResults, plot_seed_pairs, run_seeds
from tlcourse.features import (
    ActivationCache,
    CutResult,
    CutTrainer,
    Transferability,
    conv_layers,
    cut_points,
    feature_maps,
    layer_transferability,
    plot_feature_maps,
    plot_filters,
    plot_transferability,
    train_above_cut,
)
from tlcourse.models import (
    BACKBONES,
    GOOGLENET_MODULES,
    SOURCE_ARCHITECTURES,
    VGG16_BLOCKS,
    alexnet,
    backbone_preprocess,
    build_mnist_cnn,
    build_model_a,
    googlenet,
    imagenet_backbone,
    inception_module,
    lenet5,
    load_pretrained,
    load_weights_npz,
    pretrained_info,
    residual_block,
    resnet,
    save_weights_npz,
    scratch_cnn,
    vgg16,
    weight_layer_depth,
)
from tlcourse.plots import plot_history, show_images
from tlcourse.surgery import (
    TrainableReport,
    check_input_size,
    clone_with_weights,
    compile_again,
    current_learning_rate,
    freeze,
    needs_recompile,
    outer_training_wins,
    reuse_layers,
    set_freeze_depth,
    trainable_report,
    unfreeze,
    with_new_head,
)
from tlcourse.widgets import (
    FreezeDepthExplorer,
    freeze_depth_slider,
    frozen_layers_table,
    layer_strip_html,
    param_counts,
)

__version__ = "0.1.0"

# tlcourse.pretrain is also a script (`python -m tlcourse.pretrain`); importing it here
# eagerly would make `-m` warn that the module was already imported. Load it on first use.
_LAZY = {"task_a_b_split": "tlcourse.pretrain", "greedy_layerwise": "tlcourse.pretrain",
         "GreedyStage": "tlcourse.pretrain"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tlcourse' has no attribute {name!r}")

__all__ = [
    "Exercise", "check", "exercise", "list_exercises", "run_solution", "solution",
    "GOOGLENET_MODULES", "VGG16_BLOCKS", "alexnet", "googlenet", "inception_module", "lenet5",
    "residual_block", "resnet", "vgg16", "weight_layer_depth",
    "ActivationCache", "CutResult", "CutTrainer", "FreezeDepthExplorer", "Transferability", "conv_layers",
    "cut_points", "feature_maps", "freeze_depth_slider", "frozen_layers_table", "layer_strip_html",
    "layer_transferability", "param_counts", "plot_feature_maps", "plot_filters",
    "plot_transferability", "train_above_cut",
    "BACKBONES", "DATASETS", "FAST", "SEED", "CorruptDataError", "DataNotFoundError",
    "DatasetInfo", "PairedDifference", "SeedResults", "Split", "TrainableReport", "as_dataset", "backbone_preprocess",
    "SOURCE_ARCHITECTURES", "build_mnist_cnn", "build_model_a", "scratch_cnn", "check_input_size", "clone_with_weights",
    "compile_again", "current_learning_rate", "data_dir", "datasets_table", "environment_report", "fast_or_full",
    "GreedyStage", "freeze", "greedy_layerwise", "imagenet_backbone", "info", "load", "load_arrays",
    "load_image_folder", "load_pretrained", "load_weights_npz", "locate", "needs_recompile", "outer_training_wins",
    "plot_history", "plot_seed_pairs", "pretrained_info", "reuse_layers", "run_seeds", "save_weights_npz",
    "seed_everything", "set_freeze_depth", "show_images", "stratified_split", "task_a_b_split", "trainable_report",
    "tree_sha256", "unfreeze", "verify", "version_checks", "VersionCheck", "with_new_head",
]
