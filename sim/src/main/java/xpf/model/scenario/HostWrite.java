package xpf.model.scenario;

/**
 * A write to physical memory that no vCPU of the scenario performs and no TLB notices: another agent (a device, a
 * vCPU outside the scenario) changing memory behind the guest's back. Used to create stale-TLB situations.
 */
public record HostWrite(long pa, int size, long value) implements Operation {
    @Override
    public String opName() {
        return "host_write";
    }
}
