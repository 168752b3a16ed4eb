package xpf.sim.cli;

/**
 * A subcommand of {@code xpf}, contributed by any module through {@link java.util.ServiceLoader}.
 *
 * <p>Why an SPI: the CLI core lives in {@code sim} (the design puts the CLI there), but some commands need modules
 * that sit above {@code sim} ({@code conform} needs the corpus and the property suites, {@code report} needs the
 * Allure aggregation). Dependencies point one way, so those modules register their commands here instead of
 * {@code sim} depending on them. The runnable jar built by {@code reports} contains every module.
 */
public interface XpfSubcommand {
    /** The word typed after {@code xpf}. */
    String name();

    /** A fresh picocli command object (annotated with {@code @Command}). */
    Object command();

    /** Sort key for {@code --help}: lower first. */
    default int order() {
        return 100;
    }
}
