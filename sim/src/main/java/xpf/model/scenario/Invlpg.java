package xpf.model.scenario;

/** INVLPG of {@code va} by the guest (for PV: the MMUEXT_INVLPG_LOCAL the guest must use instead). */
public record Invlpg(long va) implements Operation {
    @Override
    public String opName() {
        return "invlpg";
    }
}
