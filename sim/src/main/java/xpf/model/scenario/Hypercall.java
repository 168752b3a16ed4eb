package xpf.model.scenario;

/** A PV guest hypercall. */
public record Hypercall(HypercallOp call) implements Operation {
    @Override
    public String opName() {
        return "hypercall";
    }
}
