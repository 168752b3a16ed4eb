package xpf.conformance.conform;

/**
 * One part of {@code xpf conform} (the corpus, the matrix subset, the property suites), found through
 * {@link java.util.ServiceLoader}: each module contributes the parts it owns, and the command in {@code reports} runs
 * them all into one Allure results folder.
 */
public interface ConformPart {
    String name();

    /** Lower runs first. */
    int order();

    PartResult run(ConformContext ctx);
}
