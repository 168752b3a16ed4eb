package xpf.model.scenario;

import java.util.List;

/**
 * A guest IDT and the stacks its handlers use: the IDT's linear base, its gates, and the TSS stack pointers for a
 * switch to ring 0 ({@code rsp0}) and for IST stacks ({@code ist}, index 1..7 at positions 0..6).
 */
public record IdtSpec(long base, List<GateSpec> gates, long rsp0, List<Long> ist) {
    public IdtSpec {
        gates = List.copyOf(gates);
        ist = List.copyOf(ist);
    }
}
