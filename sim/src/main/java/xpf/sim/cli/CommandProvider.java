package xpf.sim.cli;

import java.util.function.Supplier;
import picocli.CommandLine.Command;

/**
 * The usual {@link XpfSubcommand}: a command class annotated with {@code @Command(name = ...)} and its place in
 * {@code --help}. A module registers a command with a three-line provider:
 * {@code public static final class Provider extends CommandProvider { public Provider() { super(RunCommand::new, 10); } }}
 * and a line naming it in META-INF/services/xpf.sim.cli.XpfSubcommand.
 */
public abstract class CommandProvider implements XpfSubcommand {
    private final Supplier<Object> factory;
    private final int order;
    private final String name;

    protected CommandProvider(Supplier<Object> factory, int order) {
        this.factory = factory;
        this.order = order;
        Object sample = factory.get();
        Command c = sample.getClass().getAnnotation(Command.class);
        if (c == null || c.name().isEmpty() || c.name().equals("<main class>")) {
            throw new IllegalStateException(sample.getClass() + " needs @Command(name = ...)");
        }
        this.name = c.name();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Object command() {
        return factory.get();
    }

    @Override
    public final int order() {
        return order;
    }
}
