package xpf.conformance.allure;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import xpf.model.scenario.XenProfile;

/**
 * Where a Xen decision point lives, for the links of a result: the C symbol → its source file in the Xen version of
 * the scenario's profile, as a URL into the Xen tree at that release tag. The table is transcribed from the files
 * and functions that ../shared/reference/xen-pv-fault-path.md and xen-hvm-fault-path.md name; a symbol it does not
 * know links to an identifier search at the same tag instead.
 *
 * <p>The tags come from the same references: {@code RELEASE-4.22.0} for the {@code xen-4.22} profile and
 * {@code 3.1.0-branched} for {@code xen-3.1}.
 */
public final class XenSourceLinks {

    /** A link target: the file (null when unknown) and the URL. */
    public record Target(String symbol, String file, String tag, String url) {
    }

    private static final Map<String, String> FILES_4_22 = new TreeMap<>();
    private static final Map<String, String> FILES_3_1 = new TreeMap<>();

    static {
        String traps = "xen/arch/x86/traps.c";
        String entry = "xen/arch/x86/x86_64/entry.S";
        for (String s : new String[] {"handle_PF", "handle_PF_IDT", "do_page_fault", "fixup_page_fault",
            "spurious_page_fault", "__page_fault_type", "fatal_trap", "extable_fixup"}) {
            FILES_4_22.put(s, traps);
        }
        for (String s : new String[] {"entry_PF", "handle_exception", "create_bounce_frame", "test_all_events"}) {
            FILES_4_22.put(s, entry);
            FILES_3_1.put(s, entry);
        }
        for (String s : new String[] {"pv_ro_page_fault", "ptwr_do_page_fault", "mmio_ro_do_page_fault",
            "ptwr_emulated_update"}) {
            FILES_4_22.put(s, "xen/arch/x86/pv/ro-page-fault.c");
        }
        FILES_4_22.put("pv_inject_page_fault", "xen/arch/x86/pv/traps.c");
        FILES_4_22.put("pv_inject_event", "xen/arch/x86/pv/traps.c");
        FILES_4_22.put("handle_gdt_ldt_mapping_fault", "xen/arch/x86/pv/mm.c");
        FILES_4_22.put("handle_ldt_mapping_fault", "xen/arch/x86/pv/mm.c");
        FILES_4_22.put("pv_map_ldt_shadow_page", "xen/arch/x86/pv/mm.c");
        FILES_4_22.put("do_set_trap_table", "xen/arch/x86/pv/callback.c");
        for (String s : new String[] {"do_mmu_update", "do_mmuext_op", "do_update_va_mapping", "mod_l1_entry",
            "mod_l2_entry", "mod_l3_entry", "mod_l4_entry", "get_page_type", "_get_page_type", "put_page_type",
            "get_page_from_l1e", "get_page_from_l2e", "get_page_from_l3e", "get_page_from_l4e", "new_guest_cr3"}) {
            FILES_4_22.put(s, "xen/arch/x86/mm.c");
            FILES_3_1.put(s, "xen/arch/x86/mm.c");
        }
        FILES_4_22.put("paging_fault", "xen/arch/x86/include/asm/paging.h");
        FILES_4_22.put("sh_page_fault", "xen/arch/x86/mm/shadow/multi.c");
        FILES_4_22.put("guest_walk_tables", "xen/arch/x86/mm/guest_walk.c");
        FILES_4_22.put("hap_page_fault", "xen/arch/x86/mm/hap/hap.c");
        FILES_4_22.put("x86_emulate", "xen/arch/x86/x86_emulate/x86_emulate.c");
        for (String s : new String[] {"svm_vmexit_handler", "svm_inject_event"}) {
            FILES_4_22.put(s, "xen/arch/x86/hvm/svm/svm.c");
            FILES_3_1.put(s, "xen/arch/x86/hvm/svm/svm.c");
        }
        FILES_4_22.put("svm_asm_do_resume", "xen/arch/x86/hvm/svm/entry.S");
        for (String s : new String[] {"vmx_vmexit_handler", "vmx_inject_event", "__vmx_inject_exception",
            "vmx_idtv_reinject"}) {
            FILES_4_22.put(s, "xen/arch/x86/hvm/vmx/vmx.c");
        }
        FILES_3_1.put("vmx_vmexit_handler", "xen/arch/x86/hvm/vmx/vmx.c");
        for (String s : new String[] {"hvm_inject_page_fault", "hvm_inject_event", "hvm_triple_fault",
            "hvm_combine_hw_exceptions", "hvm_hap_nested_page_fault", "hvm_event_needs_reinjection"}) {
            FILES_4_22.put(s, "xen/arch/x86/hvm/hvm.c");
        }
        // Xen 3.1 (tag 3.1.0-branched): the PV #PF path and ptwr lived in traps.c and mm.c.
        for (String s : new String[] {"do_page_fault", "fixup_page_fault", "spurious_page_fault",
            "__spurious_page_fault", "propagate_page_fault"}) {
            FILES_3_1.put(s, traps);
        }
        FILES_3_1.put("ptwr_do_page_fault", "xen/arch/x86/mm.c");
        FILES_3_1.put("handle_gdt_ldt_mapping_fault", "xen/arch/x86/traps.c");
        FILES_3_1.put("do_set_trap_table", "xen/arch/x86/traps.c");
        FILES_3_1.put("svm_do_page_fault", "xen/arch/x86/hvm/svm/svm.c");
        FILES_3_1.put("svm_inject_exception", "xen/arch/x86/hvm/svm/svm.c");
        FILES_3_1.put("vmx_do_page_fault", "xen/arch/x86/hvm/vmx/vmx.c");
        FILES_3_1.put("vmx_inject_hw_exception", "xen/arch/x86/hvm/vmx/vmx.c");
        FILES_3_1.put("sh_page_fault", "xen/arch/x86/mm/shadow/multi.c");
        FILES_3_1.put("guest_walk_tables", "xen/arch/x86/mm/shadow/multi.c");
        FILES_3_1.put("paging_fault", "xen/include/asm-x86/paging.h");
        FILES_3_1.put("hvm_triple_fault", "xen/arch/x86/hvm/hvm.c");
    }

    private XenSourceLinks() {
    }

    /** The release tag of a profile's Xen in the xen.git tree. */
    public static String tag(XenProfile p) {
        return switch (p) {
            case XEN_3_1 -> "3.1.0-branched";
            case XEN_4_22 -> "RELEASE-4.22.0";
        };
    }

    /** The version string shown beside a symbol ({@code 4.22}, {@code 3.1}). */
    public static String version(XenProfile p) {
        return p.wireName().substring("xen-".length());
    }

    /** The source file of {@code symbol} in the profile's Xen, when the table knows it. */
    public static Optional<String> file(String symbol, XenProfile p) {
        return Optional.ofNullable((p == XenProfile.XEN_3_1 ? FILES_3_1 : FILES_4_22).get(symbol));
    }

    /**
     * The link for {@code symbol}: the file at the release tag in xen.git's web view when the file is known, else an
     * identifier search for the symbol at that tag.
     */
    public static Target target(String symbol, XenProfile p) {
        String tag = tag(p);
        Optional<String> f = file(symbol, p);
        String url = f.map(file -> "https://xenbits.xen.org/gitweb/?p=xen.git;a=blob;f=" + file + ";hb=refs/tags/" + tag)
                .orElse("https://elixir.bootlin.com/xen/" + tag + "/A/ident/" + symbol);
        return new Target(symbol, f.orElse(null), tag, url);
    }
}
