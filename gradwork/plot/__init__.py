"""Figures saved as PNG files (needs matplotlib: pip install gradwork[plot]).

Training runs (curves, confusion matrix, predictions), what a CNN learned (filters, feature maps),
and the course's studies (activations, optimizer paths, decision boundaries, image grids).
"""
from .activations import (
    get_activation, plot_activation_histograms, plot_activations, plot_per_layer, softmax_jacobian,
    value_and_derivative,
)
from .boundaries import (
    decision_grid, draw_decision_boundary, plot_decision_boundaries, plot_decision_boundary, plot_embedding,
    predict_classes,
)
from .features import layer_outputs, plot_feature_maps, plot_filters
from .images import plot_image_grid, plot_reconstructions
from .model_graph import model_graph, plot_model
from .optimization import plot_gradient_field, plot_loss_curves, plot_optimizer_paths
from .training import confusion_matrix, plot_confusion_matrix, plot_history, plot_predictions

__all__ = [
    "decision_grid", "draw_decision_boundary", "plot_decision_boundaries", "plot_decision_boundary",
    "plot_embedding", "predict_classes", "plot_image_grid", "plot_reconstructions",
    "confusion_matrix", "get_activation", "layer_outputs", "plot_activation_histograms", "plot_activations",
    "plot_confusion_matrix", "plot_feature_maps", "plot_filters", "plot_gradient_field", "plot_history",
    "plot_loss_curves", "plot_model", "plot_optimizer_paths", "plot_per_layer", "plot_predictions", "model_graph",
    "softmax_jacobian",
    "value_and_derivative",
]
