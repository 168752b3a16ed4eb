/**
 * The scenario commands of the CLI: {@code xpf run} (check expectations, text or JSON results, {@code --bench}),
 * {@code xpf explain} (numbered call flow per step, {@link xpf.sim.scenario.cli.CallFlow}) and {@code xpf replay}
 * (expected against actual, trace around the first difference), registered through
 * {@link xpf.sim.cli.XpfSubcommand}; and the {@code scenario} figures of {@code xpf bench}.
 */
package xpf.sim.scenario.cli;
