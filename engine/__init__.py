"""Backprop Studio's engine: a neural network written from scratch in NumPy (no Qt here)."""

from .activations import ACTIVATIONS, ActivationFunction, Identity, LeakyReLU, ReLU, Sigmoid, Tanh, get_activation
from .layers import Layer
from .losses import LOSSES, CrossEntropyLoss, LossFunction, MSELoss, get_loss
from .network import NeuralNetwork
from .optimizers import OPTIMIZERS, SGD, Adam, Momentum, Optimizer, get_optimizer

__all__ = [
    "ACTIVATIONS", "ActivationFunction", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Tanh", "get_activation",
    "Layer", "LOSSES", "CrossEntropyLoss", "LossFunction", "MSELoss", "get_loss", "NeuralNetwork",
    "OPTIMIZERS", "SGD", "Adam", "Momentum", "Optimizer", "get_optimizer",
]
