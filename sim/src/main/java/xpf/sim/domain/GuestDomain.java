package xpf.sim.domain;

import xpf.model.scenario.DomainKind;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Step;
import xpf.sim.trace.Trace;

/**
 * A running domain of a scenario: bare metal, PV or HVM. The scenario interpreter hands it one step at a time; the
 * domain runs the step on the simulated machine, records what happened in the trace, and returns the outcome.
 *
 * <p>Implementations keep all their state inspectable (records, getters), because invariants and the reference
 * model need views of it as plain data.
 */
public interface GuestDomain {

    String name();

    DomainKind kind();

    /** Runs one step. Never throws for anything a guest can do: crashes and panics are outcomes. */
    Outcome step(Step step, Trace trace);

    /** Whether the domain can still run (a crashed or shut-down domain answers every later step with its end). */
    boolean alive();
}
