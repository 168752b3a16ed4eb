package xpf.conformance.matrix;

import static xpf.conformance.matrix.AccessCFlag.ACCESS_FETCH;
import static xpf.conformance.matrix.AccessCFlag.ACCESS_USER;
import static xpf.conformance.matrix.AccessCFlag.ACCESS_WRITE;
import static xpf.conformance.matrix.AccessCFlag.CPU_CR4_PKE;
import static xpf.conformance.matrix.AccessCFlag.CPU_CR4_SMEP;
import static xpf.conformance.matrix.AccessCFlag.CPU_EFER_NX;
import static xpf.conformance.matrix.AccessCFlag.FEP;
import static xpf.conformance.matrix.AccessCFlag.PDE_BIT13;
import static xpf.conformance.matrix.AccessCFlag.PDE_BIT36;
import static xpf.conformance.matrix.AccessCFlag.PDE_BIT51;
import static xpf.conformance.matrix.AccessCFlag.PDE_NX;
import static xpf.conformance.matrix.AccessCFlag.PDE_PSE;
import static xpf.conformance.matrix.AccessCFlag.PKU_AD;
import static xpf.conformance.matrix.AccessCFlag.PKU_PKEY;
import static xpf.conformance.matrix.AccessCFlag.PKU_WD;
import static xpf.conformance.matrix.AccessCFlag.PTE_BIT36;
import static xpf.conformance.matrix.AccessCFlag.PTE_BIT51;
import static xpf.conformance.matrix.AccessCFlag.PTE_NX;

import java.util.ArrayList;
import java.util.List;

/**
 * access.c's flag space and its legality rules ({@code ac_test_legal} plus the flags its host makes invalid at run
 * time; x86-paging.md §2a), enumerable by index so that shards can split it deterministically.
 *
 * <p>Enumeration: the legal assignments of the flags that take part in a rule ("constrained"), in ascending order,
 * times every assignment of the other valid flags ("free"). For MAXPHYADDR 37..51 with PKU and no forced emulation
 * that is 585 × 2^15 = 19,169,280 flag sets, the figure of x86-paging.md §2a.
 */
public final class AccessCSpace implements ParameterSpace {

    /** The host access.c runs on: MAXPHYADDR, PKU present, forced emulation available. */
    public record Host(int maxPhyAddr, boolean pku, boolean fep) {
        /** The typical {@code [access]} run: MAXPHYADDR 40 (37..51), PKU, no FEP. */
        public static final Host TYPICAL = new Host(40, true, false);
    }

    private static final AccessCFlag[] CONSTRAINED = {PTE_NX, PTE_BIT51, PTE_BIT36, PDE_PSE, PDE_NX, PDE_BIT51,
        PDE_BIT36, PDE_BIT13, PKU_AD, PKU_WD, ACCESS_WRITE, ACCESS_FETCH, CPU_EFER_NX, CPU_CR4_PKE, CPU_CR4_SMEP,
        ACCESS_USER};

    private final Host host;
    private final int validMask;
    private final int[] constrainedLegal;
    private final AccessCFlag[] free;

    public AccessCSpace(Host host) {
        this.host = host;
        int valid = 0;
        for (AccessCFlag f : AccessCFlag.values()) {
            if (runtimeValid(f, host)) {
                valid |= f.bit();
            }
        }
        this.validMask = valid;
        List<AccessCFlag> freeList = new ArrayList<>();
        int constrainedMask = 0;
        for (AccessCFlag f : CONSTRAINED) {
            constrainedMask |= f.bit();
        }
        for (AccessCFlag f : AccessCFlag.values()) {
            if ((constrainedMask & f.bit()) == 0 && (valid & f.bit()) != 0) {
                freeList.add(f);
            }
        }
        this.free = freeList.toArray(new AccessCFlag[0]);
        List<Integer> legal = new ArrayList<>();
        int n = CONSTRAINED.length;
        for (int bits = 0; bits < (1 << n); bits++) {
            int flags = 0;
            for (int i = 0; i < n; i++) {
                if ((bits & (1 << i)) != 0) {
                    flags |= CONSTRAINED[i].bit();
                }
            }
            if ((flags & ~valid) == 0 && legal(flags, host)) {
                legal.add(flags);
            }
        }
        legal.sort(Integer::compareUnsigned);
        this.constrainedLegal = legal.stream().mapToInt(Integer::intValue).toArray();
    }

    public Host host() {
        return host;
    }

    /** Flags the host makes permanently invalid (§2a): BIT51 if M ≥ 52, BIT36 if M ≥ 37, PKU without PKU, FEP. */
    public static boolean runtimeValid(AccessCFlag f, Host h) {
        return switch (f) {
            case PTE_BIT51, PDE_BIT51 -> h.maxPhyAddr() < 52;
            case PTE_BIT36, PDE_BIT36 -> h.maxPhyAddr() < 37;
            case PKU_AD, PKU_WD, PKU_PKEY, CPU_CR4_PKE -> h.pku();
            case FEP -> h.fep();
            default -> true;
        };
    }

    /** {@code ac_test_legal}: the combinations access.c skips as illegal. */
    public static boolean legal(int flags, Host h) {
        if (CPU_CR4_SMEP.in(flags)) {
            return false; // SMEP only in the hand-written check_smep_andnot_wp since 2021 (commit 73695c95)
        }
        if (ACCESS_FETCH.in(flags) && ACCESS_WRITE.in(flags)) {
            return false;
        }
        if ((PKU_AD.in(flags) || PKU_WD.in(flags)) && !CPU_CR4_PKE.in(flags)) {
            return false;
        }
        if (PDE_BIT13.in(flags) && !PDE_PSE.in(flags)) {
            return false;
        }
        boolean nx = CPU_EFER_NX.in(flags);
        int reserved = (PDE_BIT51.in(flags) ? 1 : 0) + (PDE_BIT36.in(flags) ? 1 : 0) + (PDE_BIT13.in(flags) ? 1 : 0)
                + (PTE_BIT51.in(flags) ? 1 : 0) + (PTE_BIT36.in(flags) ? 1 : 0)
                + (PDE_NX.in(flags) && !nx ? 1 : 0) + (PTE_NX.in(flags) && !nx ? 1 : 0);
        return reserved <= 1;
    }

    /** Number of legal flag sets. */
    public long count() {
        return (long) constrainedLegal.length << free.length;
    }

    /** The {@code index}-th legal flag set (0 ≤ index &lt; {@link #count()}). */
    public int flagsAt(long index) {
        int c = constrainedLegal[(int) (index >>> free.length)];
        long f = index & ((1L << free.length) - 1);
        for (int i = 0; i < free.length; i++) {
            if ((f & (1L << i)) != 0) {
                c |= free[i].bit();
            }
        }
        return c;
    }

    // ParameterSpace: 31 binary parameters; a host-invalid flag has the single value 0.

    @Override
    public int parameters() {
        return AccessCFlag.values().length;
    }

    @Override
    public int size(int p) {
        return (validMask & (1 << p)) != 0 ? 2 : 1;
    }

    @Override
    public String name(int p) {
        return AccessCFlag.values()[p].name();
    }

    public static int toFlags(int[] row) {
        int flags = 0;
        for (int p = 0; p < row.length; p++) {
            if (row[p] == 1) {
                flags |= 1 << p;
            }
        }
        return flags;
    }

    @Override
    public boolean legal(int[] row) {
        int flags = toFlags(row);
        return (flags & ~validMask) == 0 && legal(flags, host);
    }

    /**
     * Exact: unassigned flags are completed with the values that can only help (0 everywhere, except PKE when AD/WD
     * are set and PSE when BIT13 is set), trying both values of EFER.NX when it is unassigned.
     */
    @Override
    public boolean completable(int[] partial) {
        int nxIndex = CPU_EFER_NX.ordinal();
        int[] nxChoices = partial[nxIndex] >= 0 ? new int[] {partial[nxIndex]} : new int[] {0, 1};
        for (int nx : nxChoices) {
            int flags = 0;
            for (int p = 0; p < partial.length; p++) {
                if (partial[p] == 1) {
                    flags |= 1 << p;
                }
            }
            flags = nx == 1 ? flags | CPU_EFER_NX.bit() : flags & ~CPU_EFER_NX.bit();
            if ((PKU_AD.in(flags) || PKU_WD.in(flags)) && partial[CPU_CR4_PKE.ordinal()] < 0) {
                flags |= CPU_CR4_PKE.bit();
            }
            if (PDE_BIT13.in(flags) && partial[PDE_PSE.ordinal()] < 0) {
                flags |= PDE_PSE.bit();
            }
            if ((flags & ~validMask) == 0 && legal(flags, host)) {
                return true;
            }
        }
        return false;
    }

    /** Used by tests: whether PKEY is meaningful (a PKU host). */
    static boolean usesKeys(int flags) {
        return PKU_PKEY.in(flags);
    }

    static boolean fep(int flags) {
        return FEP.in(flags);
    }
}
