package xpf.model.x86;

/**
 * CPUID-level facts that change the walk: vendor, MAXPHYADDR (36..52) and 1 GiB page support.
 * PSE-36 is always present (every CPU this harness models has it); its width is min(40, MAXPHYADDR).
 */
public record CpuConfig(Vendor vendor, int maxPhyAddr, boolean page1gb) {
    public static final int MIN_MAXPHYADDR = 36;
    public static final int MAX_MAXPHYADDR = 52;

    public CpuConfig {
        if (vendor == null) {
            throw new IllegalArgumentException("vendor is required");
        }
        if (maxPhyAddr < MIN_MAXPHYADDR || maxPhyAddr > MAX_MAXPHYADDR) {
            throw new IllegalArgumentException("maxphyaddr " + maxPhyAddr + " is outside 36..52");
        }
    }

    public static CpuConfig intel(int maxPhyAddr) {
        return new CpuConfig(Vendor.INTEL, maxPhyAddr, true);
    }
}
