package xpf.conformance.walk;

import java.util.Map;

import xpf.model.x86.PagingMode;
import xpf.model.x86.WalkCase;

/**
 * The input-error rules of docs/walk-service.md ("Input errors") that a {@link WalkCase} can still violate (the
 * records already enforce the others, e.g. CPL and MAXPHYADDR ranges). A generated or minimised case must pass this
 * check: the walk service would reject it with {@code "status": "error"}, so no model answers it.
 */
public final class WalkCaseValidity {

    private WalkCaseValidity() {
    }

    /** Null if the case is valid input, else the reason, naming the key as the walk service would. */
    public static String problem(WalkCase c) {
        PagingMode mode = c.controls().mode();
        int m = c.cpu().maxPhyAddr();
        long va = c.access().va();
        long cr3 = c.controls().cr3();
        boolean thirtyTwoBit = mode == PagingMode.LEGACY2 || mode == PagingMode.PAE;
        if (thirtyTwoBit && (va >>> 32) != 0) {
            return "access.va: at or above 2^32 in " + mode.wireName();
        }
        if (thirtyTwoBit && (cr3 >>> 32) != 0) {
            return "cr3: at or above 2^32 in " + mode.wireName();
        }
        if (!thirtyTwoBit && (cr3 >>> m) != 0) {
            return "cr3: bits at or above maxphyaddr " + m + " set";
        }
        int width = mode.entryBytes();
        for (Map.Entry<Long, Long> e : c.memory().entrySet()) {
            long address = e.getKey();
            if (address % width != 0 || address < 0 || (address >>> 52) != 0) {
                return "memory: address 0x" + Long.toHexString(address) + " is not a " + width
                        + "-byte aligned address below 2^52";
            }
            if (mode == PagingMode.LEGACY2 && (e.getValue() >>> 32) != 0) {
                return "memory: entry 0x" + Long.toHexString(address) + " is at or above 2^32 in legacy2";
            }
        }
        return null;
    }

    public static boolean isValid(WalkCase c) {
        return problem(c) == null;
    }
}
