package xpf.sim.scenario.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.TrapInfoSpec;

/** Reads the {@code call:} of a hypercall step (or of a multicall entry) and its arguments. */
final class Hypercalls {
    static final Map<String, List<String>> ARGS = new LinkedHashMap<>();

    static {
        ARGS.put("mmu_update", List.of("requests", "foreign_dom"));
        ARGS.put("update_va_mapping", List.of("va", "val", "flags"));
        ARGS.put("mmuext_op", List.of("ops", "foreign_dom"));
        ARGS.put("set_trap_table", List.of("entries"));
        ARGS.put("vm_assist", List.of("cmd", "type"));
        ARGS.put("iret", List.of());
        ARGS.put("multicall", List.of("calls"));
    }

    private final Ctx c;
    private final Dom.All doms;

    Hypercalls(Ctx c, Dom.All doms) {
        this.c = c;
        this.doms = doms;
    }

    static String callName(String s) {
        if (!ARGS.containsKey(s)) {
            throw new IllegalArgumentException("unknown hypercall '" + s + "' (expected "
                    + String.join(", ", ARGS.keySet()) + ")");
        }
        return s;
    }

    /** The argument keys of the map's {@code call} (reads and checks {@code call} first). */
    static List<String> argKeys(Ctx c, Fields f) {
        return ARGS.get(c.word(f.req("call"), f.p("call"), Hypercalls::callName));
    }

    HypercallOp call(Fields f, Dom d) {
        String call = c.word(f.req("call"), f.p("call"), Hypercalls::callName);
        return switch (call) {
            case "mmu_update" -> mmuUpdate(f, d);
            case "update_va_mapping" -> new HypercallOp.UpdateVaMapping(f.reqU64("va"),
                    Exprs.entry(c, f.req("val"), f.p("val"), d, doms, true), uvmfFlags(f));
            case "mmuext_op" -> mmuextOp(f, d);
            case "set_trap_table" -> setTrapTable(f);
            case "vm_assist" -> new HypercallOp.VmAssist(
                    (int) named(f.req("cmd"), f.p("cmd"), PvNames.VMASST_CMDS, "vm_assist command", 0xffff_ffffL),
                    (int) named(f.req("type"), f.p("type"), PvNames.VMASST_TYPES, "vm_assist type", 0xffff_ffffL));
            case "iret" -> new HypercallOp.Iret();
            case "multicall" -> multicall(f, d);
            default -> throw new IllegalStateException(call);
        };
    }

    /** A name from {@code names} or a number {@code 0..max}. */
    long named(Node n, String path, Map<String, Integer> names, String what, long max) {
        if (n instanceof Node.Scalar s && s.type() == Node.ScalarType.STRING && Values.parseBig(s.text()) == null) {
            Integer v = names.get(s.text().strip());
            if (v == null) {
                throw c.err(n, path, "unknown " + what + " '" + s.text() + "'"
                        + Ctx.suggestion(s.text(), names.keySet()) + " (expected " + String.join(", ", names.keySet())
                        + ", or a number)");
            }
            return v;
        }
        return c.num(n, path, 0, max);
    }

    private long foreignDom(Fields f) {
        return f.num("foreign_dom", PvNames.DOMID_SELF, 0, 0xffff_ffffL);
    }

    private HypercallOp mmuUpdate(Fields f, Dom d) {
        Node.ListNode l = c.list(f.req("requests"), f.p("requests"));
        List<HypercallOp.MmuUpdate.Request> reqs = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
            String p = Ctx.index(f.p("requests"), i);
            Fields r = c.map(l.items().get(i), p).only("ptr", "val", "cmd");
            Node pn = r.req("ptr");
            long ptr = Exprs.address(c, pn, r.p("ptr"), d, doms);
            if (r.has("cmd")) {
                if ((ptr & 7) != 0) {
                    throw c.err(pn, r.p("ptr"), "ptr " + Values.hex(ptr) + " must be 8-byte aligned when cmd is given "
                            + "(bits 0-2 of ptr carry the command)");
                }
                ptr |= named(r.get("cmd"), r.p("cmd"), PvNames.MMU_CMDS, "mmu_update command", 7);
            }
            long val = Exprs.entry(c, r.req("val"), r.p("val"), d, doms, true);
            reqs.add(new HypercallOp.MmuUpdate.Request(ptr, val));
        }
        return new HypercallOp.MmuUpdate(reqs, (int) foreignDom(f));
    }

    private long uvmfFlags(Fields f) {
        Node n = f.get("flags");
        if (n == null) {
            return 0;
        }
        if (n instanceof Node.ListNode l) {
            long v = 0;
            for (int i = 0; i < l.items().size(); i++) {
                Node item = l.items().get(i);
                String p = Ctx.index(f.p("flags"), i);
                String name = c.str(item, p);
                Integer bit = PvNames.UVMF.get(name);
                if (bit == null) {
                    throw c.err(item, p, "unknown update_va_mapping flag '" + name + "'"
                            + Ctx.suggestion(name, PvNames.UVMF.keySet()) + " (expected tlb_flush, invlpg, all, local)");
                }
                v |= bit;
            }
            return v;
        }
        return c.u64(n, f.p("flags"));
    }

    private HypercallOp mmuextOp(Fields f, Dom d) {
        Node.ListNode l = c.list(f.req("ops"), f.p("ops"));
        List<HypercallOp.MmuextOp.Request> ops = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
            String p = Ctx.index(f.p("ops"), i);
            Fields r = c.map(l.items().get(i), p);
            int cmd = (int) named(r.req("cmd"), r.p("cmd"), PvNames.MMUEXT_CMDS, "mmuext_op command", 0xffff_ffffL);
            PvNames.ExtArgs a = PvNames.extArgs(cmd);
            List<String> keys = new ArrayList<>(List.of("cmd", "arg1", "arg2"));
            if (a != null && a.arg1() != null) {
                keys.add(a.arg1());
            }
            if (a != null && a.arg2() != null) {
                keys.add(a.arg2());
            }
            r.only(keys);
            long arg1 = slot(r, a == null ? null : a.arg1(), "arg1", d);
            long arg2 = slot(r, a == null ? null : a.arg2(), "arg2", d);
            ops.add(new HypercallOp.MmuextOp.Request(cmd, arg1, arg2));
        }
        return new HypercallOp.MmuextOp(ops, (int) foreignDom(f));
    }

    /** One argument slot: its named key ({@code mfn}, {@code va}, ...) or the raw {@code arg1}/{@code arg2}. */
    private long slot(Fields r, String named, String raw, Dom d) {
        if (named != null && r.has(named)) {
            if (r.has(raw)) {
                throw c.err(r.entry(raw).keyLocation(), r.p(raw), "give " + named + " or " + raw + ", not both");
            }
            Node n = r.get(named);
            return switch (named) {
                case "mfn", "src_mfn" -> Exprs.frame(c, n, r.p(named), d, doms);
                default -> c.u64(n, r.p(named));
            };
        }
        return r.u64(raw, 0);
    }

    private HypercallOp setTrapTable(Fields f) {
        Node n = f.req("entries");
        if (n instanceof Node.Scalar s && s.type() == Node.ScalarType.NULL) {
            return new HypercallOp.SetTrapTable(List.of(), true);
        }
        Node.ListNode l = c.list(n, f.p("entries"));
        List<TrapInfoSpec> entries = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
            entries.add(ScenarioLoader.trapInfo(c, l.items().get(i), Ctx.index(f.p("entries"), i)));
        }
        return new HypercallOp.SetTrapTable(entries, false);
    }

    private HypercallOp multicall(Fields f, Dom d) {
        Node.ListNode l = c.list(f.req("calls"), f.p("calls"));
        List<HypercallOp> calls = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
            String p = Ctx.index(f.p("calls"), i);
            Fields e = c.map(l.items().get(i), p);
            List<String> keys = new ArrayList<>(List.of("call"));
            keys.addAll(argKeys(c, e));
            e.only(keys);
            calls.add(call(e, d));
        }
        return new HypercallOp.Multicall(calls);
    }

}
