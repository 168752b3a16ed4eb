package xpf.sim.xen.mm.p2m;

/**
 * One p2m entry: gfn → mfn ({@link #INVALID_MFN} when there is no frame: holes, MMIO-DM, PoD, paged-out), its type,
 * and the emulated device behind an {@code mmio_dm} frame (null otherwise).
 */
public record P2mEntry(long gfn, long mfn, P2mType type, String device) {
    /** Xen's {@code INVALID_MFN}. */
    public static final long INVALID_MFN = -1L;

    public static P2mEntry invalid(long gfn) {
        return new P2mEntry(gfn, INVALID_MFN, P2mType.INVALID, null);
    }

    public boolean mfnValid() {
        return mfn != INVALID_MFN;
    }

    public P2mEntry withType(P2mType t) {
        return new P2mEntry(gfn, mfn, t, device);
    }

    public P2mEntry withMfn(long m) {
        return new P2mEntry(gfn, m, type, device);
    }
}
