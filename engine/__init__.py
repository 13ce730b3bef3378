"""Backprop Studio's engine: a neural network written from scratch in NumPy (no Qt here)."""

from engine.activations import ACTIVATIONS, ActivationFunction, Identity, LeakyReLU, ReLU, Sigmoid, Tanh, get_activation
from engine.layers import Layer
from engine.losses import LOSSES, CrossEntropyLoss, LossFunction, MSELoss, get_loss
from engine.network import NeuralNetwork
from engine.optimizers import OPTIMIZERS, SGD, Adam, Momentum, Optimizer, get_optimizer

__all__ = [
    "ACTIVATIONS", "ActivationFunction", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Tanh", "get_activation",
    "Layer", "LOSSES", "CrossEntropyLoss", "LossFunction", "MSELoss", "get_loss", "NeuralNetwork",
    "OPTIMIZERS", "SGD", "Adam", "Momentum", "Optimizer", "get_optimizer",
]
