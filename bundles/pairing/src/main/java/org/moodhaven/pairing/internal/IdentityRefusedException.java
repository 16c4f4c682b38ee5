package org.moodhaven.pairing.internal;

/**
 * A revealed identity failed one of the checks of PROTOCOL.md section 5.
 */
public final class IdentityRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final IdentityProblem problem;

    /**
     * @param problem which check failed
     */
    public IdentityRefusedException(IdentityProblem problem) {
        super(problem.description());
        this.problem = problem;
    }

    /**
     * @return which check failed
     */
    public IdentityProblem problem() {
        return problem;
    }
}
