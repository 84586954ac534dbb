package dev.mimamori.sync;

/** An object that exists in Datadog as its owner wants it (or as close as Datadog allowed), with its link. */
public record SyncedObject(String kind, String name, String id, String url) {}
