package xpf.sim.scenario.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Symbolic names of PV hypercall arguments (public/xen.h; xen-pv-fault-path.md §4.6-4.7), in both directions. The
 * loader also accepts plain numbers everywhere, so a fuzzer can pass values Xen does not define.
 */
final class PvNames {
    /** {@code mmu_update} request commands ({@code ptr & 7}). */
    static final SequencedMap<String, Integer> MMU_CMDS = ordered("normal", 0, "machphys", 1, "preserve_ad", 2,
            "no_translate", 3);

    /** {@code MMUEXT_*} commands. */
    static final SequencedMap<String, Integer> MMUEXT_CMDS = ordered("pin_l1_table", 0, "pin_l2_table", 1,
            "pin_l3_table", 2, "pin_l4_table", 3, "unpin_table", 4, "new_baseptr", 5, "tlb_flush_local", 6,
            "invlpg_local", 7, "tlb_flush_multi", 8, "invlpg_multi", 9, "tlb_flush_all", 10, "invlpg_all", 11,
            "flush_cache", 12, "set_ldt", 13, "new_user_baseptr", 15, "clear_page", 16, "copy_page", 17,
            "flush_cache_global", 18, "mark_super", 19, "unmark_super", 20);

    /** {@code VMASST_TYPE_*}. */
    static final SequencedMap<String, Integer> VMASST_TYPES = ordered("4gb_segments", 0, "4gb_segments_notify", 1,
            "writable_pagetables", 2, "pae_extended_cr3", 3, "architectural_iopl", 4, "runstate_update_flag", 5,
            "m2p_strict", 32);

    /** {@code VMASST_CMD_*}. */
    static final SequencedMap<String, Integer> VMASST_CMDS = ordered("enable", 0, "disable", 1);

    /** {@code UVMF_*} flag bits of {@code update_va_mapping} ({@code local} is 0: the default flush scope). */
    static final SequencedMap<String, Integer> UVMF = ordered("tlb_flush", 1, "invlpg", 2, "all", 4, "local", 0);

    /** The {@code vm_assist} types a domain may enable at start ({@code domains[].vm_assist}). */
    static final java.util.List<String> DOMAIN_VM_ASSIST = java.util.List.of("writable_pagetables",
            "architectural_iopl", "m2p_strict");

    /** DOMID_SELF: the default {@code foreign_dom}. */
    static final int DOMID_SELF = 0x7ff0;

    /** Which argument keys an {@code mmuext_op} command takes for arg1 and arg2 (null: none). */
    record ExtArgs(String arg1, String arg2) {
    }

    static ExtArgs extArgs(int cmd) {
        return switch (cmd) {
            case 0, 1, 2, 3, 4, 5, 15, 16, 19, 20 -> new ExtArgs("mfn", null);
            case 17 -> new ExtArgs("mfn", "src_mfn");
            case 7, 11 -> new ExtArgs("va", null);
            case 8 -> new ExtArgs(null, "vcpumask");
            case 9 -> new ExtArgs("va", "vcpumask");
            case 13 -> new ExtArgs("va", "count");
            case 6, 10, 12, 18 -> new ExtArgs(null, null);
            default -> null;
        };
    }

    private PvNames() {
    }

    private static SequencedMap<String, Integer> ordered(Object... kv) {
        SequencedMap<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Integer) kv[i + 1]);
        }
        return java.util.Collections.unmodifiableSequencedMap(m);
    }

    /** The name of {@code value} in {@code names}, or null. */
    static String nameOf(Map<String, Integer> names, long value) {
        for (Map.Entry<String, Integer> e : names.entrySet()) {
            if (e.getValue() == value) {
                return e.getKey();
            }
        }
        return null;
    }
}
