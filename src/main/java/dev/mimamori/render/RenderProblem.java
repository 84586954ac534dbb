package dev.mimamori.render;

/** Why a ServiceMonitoring cannot be rendered: a condition reason and a sentence a person can act on. */
public record RenderProblem(String reason, String message) {}
