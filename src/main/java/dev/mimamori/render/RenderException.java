package dev.mimamori.render;

/** Stops rendering at the first problem; turned into a {@link Rendering} with a reason at the renderer's edge. */
class RenderException extends RuntimeException {
    final String reason;

    RenderException(String reason, String message) {
        super(message);
        this.reason = reason;
    }
}
