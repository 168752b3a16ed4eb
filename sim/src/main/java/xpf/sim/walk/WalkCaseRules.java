package xpf.sim.walk;

import java.util.Map;
import xpf.model.x86.PagingMode;
import xpf.model.x86.WalkCase;

/**
 * The input-error rules of docs/walk-service.md that a well-typed {@link WalkCase} can still break (the records
 * themselves enforce the CPL and MAXPHYADDR ranges). The JSON reader applies them to every line; generators and
 * minimisers use them to stay within valid input.
 */
public final class WalkCaseRules {

    private WalkCaseRules() {
    }

    /** Null if the case is valid walk-service input, else the reason, naming the key. */
    public static String problem(WalkCase c) {
        PagingMode mode = c.controls().mode();
        int m = c.cpu().maxPhyAddr();
        long va = c.access().va();
        long cr3 = c.controls().cr3();
        boolean narrow = mode == PagingMode.LEGACY2 || mode == PagingMode.PAE;
        if (narrow && (cr3 >>> 32) != 0) {
            return "cr3: 0x" + Long.toHexString(cr3) + " is at or above 2^32 in " + mode.wireName();
        }
        if (!narrow && (cr3 >>> m) != 0) {
            return "cr3: 0x" + Long.toHexString(cr3) + " has bits at or above maxphyaddr " + m;
        }
        int width = mode.entryBytes();
        for (Map.Entry<Long, Long> e : c.memory().entrySet()) {
            String key = "0x" + Long.toHexString(e.getKey());
            if (e.getKey() % width != 0 || e.getKey() < 0) {
                return "memory key '" + key + "': not a multiple of the entry width " + width;
            }
            if ((e.getKey() >>> 52) != 0) {
                return "memory key '" + key + "': at or above 2^52";
            }
            if (mode == PagingMode.LEGACY2 && (e.getValue() >>> 32) != 0) {
                return "memory[" + key + "]: 0x" + Long.toHexString(e.getValue())
                        + " does not fit a 4-byte legacy2 entry";
            }
        }
        if (narrow && (va >>> 32) != 0) {
            return "access.va: 0x" + Long.toHexString(va) + " is at or above 2^32 in " + mode.wireName();
        }
        return null;
    }

    public static boolean valid(WalkCase c) {
        return problem(c) == null;
    }
}
