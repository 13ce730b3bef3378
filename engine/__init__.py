"""Backprop Studio's engine: a neural network written from scratch in NumPy (no Qt here)."""

from engine.activations import ACTIVATIONS, ActivationFunction, Identity, LeakyReLU, ReLU, Sigmoid, Tanh, get_activation
from engine.initializers import INITIALIZERS
from engine.layers import Layer
from engine.losses import LOSSES, CrossEntropyLoss, LossFunction, MSELoss, get_loss
from engine.network import NeuralNetwork, NonFiniteLossWarning
from engine.optimizers import OPTIMIZERS, SGD, Adam, Momentum, Optimizer, get_optimizer

__all__ = [
    "ACTIVATIONS", "ActivationFunction", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Tanh", "get_activation",
    "INITIALIZERS", "Layer", "LOSSES", "CrossEntropyLoss", "LossFunction", "MSELoss", "get_loss", "NeuralNetwork",
    "NonFiniteLossWarning", "OPTIMIZERS", "SGD", "Adam", "Momentum", "Optimizer", "get_optimizer",
]
