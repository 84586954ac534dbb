package dev.mimamori.sync;

/** An object as its owner wants it, under the name that identifies it among the owner's objects of its kind. */
public record Desired<D>(String name, D definition) {}
