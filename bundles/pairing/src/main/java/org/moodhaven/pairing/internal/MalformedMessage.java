package org.moodhaven.pairing.internal;

/**
 * A pairing message that breaks PROTOCOL.md section 5: not strict JSON, a
 * required member missing or of the wrong type, a number not in its pinned
 * encoding. The HTTP layer answers 400. The message names the problem, never
 * a secret.
 */
public final class MalformedMessage extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong
     */
    public MalformedMessage(String message) {
        super(message);
    }
}
