package xpf.sim.scenario.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DeviceSpec;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.MemoryInit;
import xpf.model.scenario.P2mSpec;
import xpf.model.scenario.PteSpec;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PageSizes;
import xpf.sim.scenario.load.Yaml.Scalar;
import xpf.sim.scenario.load.Yaml.YMap;

/**
 * Writes a {@link Scenario} as YAML that {@link ScenarioLoader} reads back to an equal scenario (apart from
 * {@link Step#line()}, which is where the step lands in the new file). Written for people: frame names instead of
 * numbers where the domain names the frame, symbolic flags, hex addresses, defaults left out, the original text of
 * entries kept when it still denotes the same value.
 *
 * <p>Round trip contract: for every scenario {@code s} the loader could have produced (defaults explicit,
 * {@link PteSpec#text()} / {@link MappingSpec#text()} either null or denoting the same value),
 * {@code load(write(s))} equals {@code s} with step lines replaced.
 */
public final class ScenarioWriter {

    private final Scenario s;
    private final Dom.All doms = new Dom.All();
    private final Map<String, Map<Long, String>> names = new HashMap<>();
    private final Map<String, Set<Long>> tableFrames = new HashMap<>();

    private ScenarioWriter(Scenario s) {
        this.s = s;
        for (int i = 0; i < s.domains().size(); i++) {
            DomainSpec d = s.domains().get(i);
            Dom dom = new Dom(i, d.name(), d.kind(), "domains[" + i + "]", s.machine().maxPhyAddr());
            dom.frames.putAll(d.frames());
            VcpuSpec v0 = d.vcpus().isEmpty() ? null : d.vcpus().get(0);
            dom.entryWidth = v0 == null || v0.mode() == null ? 8 : v0.mode().entryBytes();
            dom.vcpus = d.vcpus().size();
            dom.rootFrame = v0 == null || v0.mode() == null ? null : v0.cr3() >>> 12;
            doms.byName.put(d.name(), dom);
            Map<Long, String> rev = new HashMap<>();
            d.frames().forEach((k, v) -> rev.putIfAbsent(v, k));
            names.put(d.name(), rev);
            Set<Long> tables = new HashSet<>();
            d.pageTables().forEach(p -> tables.add(p.tableFrame()));
            d.vcpus().forEach(v -> {
                tables.add(v.cr3() >>> 12);
                if (v.userCr3() != 0) {
                    tables.add(v.userCr3() >>> 12);
                }
            });
            tableFrames.put(d.name(), tables);
        }
    }

    /** The scenario as YAML. */
    public static String write(Scenario s) {
        return write(s, List.of());
    }

    /**
     * The scenario as YAML, after {@code # } comment lines (e.g. the seed and the command that replays it).
     */
    public static String write(Scenario s, List<String> headerComments) {
        StringBuilder b = new StringBuilder();
        for (String c : headerComments) {
            for (String line : c.split("\n", -1)) {
                b.append(line.isEmpty() ? "#" : "# " + line).append('\n');
            }
        }
        b.append(Yaml.document(new ScenarioWriter(s).root()));
        return b.toString();
    }

    private YMap root() {
        YMap m = new YMap().num("version", s.version()).str("name", s.name());
        if (!s.description().isEmpty()) {
            m.str("description", s.description());
        }
        if (!s.tags().isEmpty()) {
            m.put("tags", strings(s.tags()));
        }
        YMap machine = new YMap().str("vendor", s.machine().vendor().wireName())
                .num("maxphyaddr", s.machine().maxPhyAddr())
                .put("features", Yaml.list(s.machine().features().stream().map(CpuFeature::wireName)
                        .map(Yaml::string).toList()))
                .str("xen", s.machine().xen().wireName());
        m.put("machine", machine);
        if (!s.bugs().isEmpty()) {
            m.put("bugs", strings(s.bugs()));
        }
        m.put("domains", new Yaml.Block(Yaml.list(s.domains().stream().map(this::domain).toList())));
        List<Object> steps = new ArrayList<>();
        for (Step st : s.steps()) {
            steps.add(step(st));
        }
        m.put("steps", new Yaml.Block(steps));
        return m;
    }

    private static List<Object> strings(List<String> l) {
        return Yaml.list(l.stream().map(Yaml::string).toList());
    }

    // ---------------------------------------------------------------- domains

    private YMap domain(DomainSpec d) {
        Dom dom = doms.byName.get(d.name());
        YMap m = new YMap().block().str("name", d.name()).str("kind", d.kind().wireName());
        if (d.kind().hvm() && d.paging() != null) {
            m.str("paging", d.paging().wireName());
        }
        if (d.hardwareDomain()) {
            m.bool("hardware_domain", true);
        }
        if (!d.vmAssist().isEmpty()) {
            m.put("vm_assist", strings(List.copyOf(d.vmAssist())));
        }
        if (!d.frames().isEmpty()) {
            YMap f = new YMap();
            d.frames().forEach(f::hex);
            m.put("frames", f);
        }
        if (d.spareFrames() != 16) {
            m.num("spare_frames", d.spareFrames());
        }
        if (!d.pageTables().isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (PteSpec p : d.pageTables()) {
                l.add(new YMap().put("table", frame(p.tableFrame(), d.name())).num("index", p.index())
                        .put("entry", entryKeepingText(p.value(), p.text(), dom)));
            }
            m.put("page_tables", l);
        }
        if (!d.mappings().isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (MappingSpec p : d.mappings()) {
                YMap e = new YMap().hex("va", p.va()).put("frame", frameKeepingText(p.frame(), p.text(), dom))
                        .str("flags", Exprs.renderFlags(p.leafFlags()));
                if (p.pageSize() != PageSizes.SIZE_4K) {
                    e.str("size", PageSizes.name(p.pageSize()).toLowerCase(java.util.Locale.ROOT));
                }
                if (p.upperFlags() != 0x7) {
                    e.str("upper", Exprs.renderFlags(p.upperFlags()));
                }
                if (dom.rootFrame == null || p.rootFrame() != dom.rootFrame) {
                    e.put("root", frame(p.rootFrame(), d.name()));
                }
                l.add(e);
            }
            m.put("mappings", l);
        }
        if (!d.memory().isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (MemoryInit mi : d.memory()) {
                YMap e = new YMap().put("frame", frame(mi.frame(), d.name()));
                if (mi.offset() != 0) {
                    e.hex("offset", mi.offset());
                }
                if (mi.size() != 8) {
                    e.num("size", mi.size());
                }
                l.add(e.put("value", data(mi.value(), d.name())));
            }
            m.put("memory", l);
        }
        if (!d.trapTable().isEmpty()) {
            m.put("trap_table", Yaml.list(d.trapTable().stream().map(ScenarioWriter::trapInfo).toList()));
        }
        if (!d.p2m().isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (P2mSpec p : d.p2m()) {
                YMap e = new YMap().put("gfn", frame(p.gfn(), d.name())).str("type", p.type());
                if (p.mfn() != null) {
                    e.hex("mfn", p.mfn());
                }
                l.add(e.str("device", p.device()));
            }
            m.put("p2m", l);
        }
        if (!d.devices().isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (DeviceSpec dev : d.devices()) {
                YMap e = new YMap().str("name", dev.name()).str("model", dev.model())
                        .put("gfn", frame(dev.gfn(), d.name()));
                if (!dev.registers().isEmpty()) {
                    YMap r = new YMap();
                    dev.registers().forEach((k, v) -> r.hex(Values.hex(k), v));
                    e.put("registers", r);
                }
                l.add(e);
            }
            m.put("devices", l);
        }
        if (!d.params().isEmpty()) {
            YMap p = new YMap();
            d.params().forEach(p::hex);
            m.put("params", p);
        }
        m.put("vcpus", Yaml.list(d.vcpus().stream().map(v -> vcpu(v, d)).toList()));
        return m;
    }

    private static YMap trapInfo(TrapInfoSpec t) {
        YMap e = new YMap().num("vector", t.vector()).hex("cs", t.cs()).hex("address", t.address());
        if (t.flags() != 0) {
            e.hex("flags", t.flags());
        }
        return e;
    }

    private YMap vcpu(VcpuSpec v, DomainSpec d) {
        YMap m = new YMap().str("mode", v.mode() == null ? "off" : v.mode().wireName());
        if (v.mode() != null || v.cr3() != 0) {
            m.put("cr3", frameAddress(v.cr3(), d.name()));
        }
        if (!v.controls().isEmpty()) {
            m.put("controls", Yaml.list(v.controls().stream().map(ControlFlag::wireName).map(Yaml::string).toList()));
        }
        if (v.pkru() != 0) {
            m.hex("pkru", Integer.toUnsignedLong(v.pkru()));
        }
        if (v.pkrs() != 0) {
            m.hex("pkrs", Integer.toUnsignedLong(v.pkrs()));
        }
        if (v.cpl() != 0) {
            m.num("cpl", v.cpl());
        }
        if (d.kind().pv() && !v.pvKernelMode()) {
            m.bool("pv_kernel_mode", false);
        }
        if (v.userCr3() != 0) {
            m.put("user_cr3", frameAddress(v.userCr3(), d.name()));
        }
        if (v.rip() != 0) {
            m.hex("rip", v.rip());
        }
        if (v.rsp() != 0) {
            m.hex("rsp", v.rsp());
        }
        if (v.rflags() != 0x202) {
            m.hex("rflags", v.rflags());
        }
        if (v.kernelSp() != 0) {
            m.hex("kernel_sp", v.kernelSp());
        }
        if (v.kernelSs() != 0xe02b) {
            m.hex("kernel_ss", v.kernelSs());
        }
        if (v.idt() != null) {
            m.put("idt", idt(v.idt()));
        }
        return m;
    }

    private static YMap idt(IdtSpec idt) {
        YMap m = new YMap().hex("base", idt.base());
        if (idt.rsp0() != 0) {
            m.hex("rsp0", idt.rsp0());
        }
        if (!idt.ist().isEmpty()) {
            m.put("ist", Yaml.list(idt.ist().stream().map(x -> new Scalar(Values.hex(x))).toList()));
        }
        List<Object> gates = new ArrayList<>();
        for (GateSpec g : idt.gates()) {
            YMap e = new YMap().num("vector", g.vector()).hex("handler", g.handler());
            if (g.selector() != 8) {
                e.hex("selector", g.selector());
            }
            if (g.trapGate()) {
                e.str("type", "trap");
            }
            if (g.dpl() != 0) {
                e.num("dpl", g.dpl());
            }
            if (g.ist() != 0) {
                e.num("ist", g.ist());
            }
            if (!g.present()) {
                e.bool("present", false);
            }
            gates.add(e);
        }
        if (!gates.isEmpty()) {
            m.put("gates", gates);
        }
        return m;
    }

    // ---------------------------------------------------------------- steps

    private YMap step(Step st) {
        String dn = st.domain();
        YMap m = new YMap().str("op", st.op().opName());
        if (!s.domains().isEmpty() && !dn.equals(s.domains().get(0).name())) {
            m.str("domain", dn);
        }
        if (st.vcpu() != 0) {
            m.num("vcpu", st.vcpu());
        }
        switch (st.op()) {
            case GuestAccess a -> access(a, dn, m);
            case Hypercall h -> call(h.call(), dn, m);
            case ControlWrite w -> {
                if (w.cr3() != null) {
                    m.put("cr3", frameAddress(w.cr3(), dn));
                }
                if (!w.set().isEmpty()) {
                    m.put("set", Yaml.list(w.set().stream().map(ControlFlag::wireName).map(Yaml::string).toList()));
                }
                if (!w.clear().isEmpty()) {
                    m.put("clear", Yaml.list(w.clear().stream().map(ControlFlag::wireName).map(Yaml::string)
                            .toList()));
                }
                if (w.mode() != null) {
                    m.str("mode", w.mode().wireName());
                }
                if (w.pkru() != null) {
                    m.hex("pkru", Integer.toUnsignedLong(w.pkru()));
                }
            }
            case Invlpg i -> m.hex("va", i.va());
            case HostWrite h -> {
                m.put("pa", address(h.pa(), dn));
                if (h.size() != 8) {
                    m.num("size", h.size());
                }
                m.put("value", data(h.value(), dn));
            }
        }
        if (st.knobs() != null && st.knobs().any()) {
            m.put("knobs", knobs(st.knobs()));
        }
        if (st.note() != null) {
            m.str("note", st.note());
        }
        if (st.expect() != null) {
            m.put("expect", expect(st.expect()));
        }
        return m;
    }

    private void access(GuestAccess a, String dn, YMap m) {
        m.hex("va", a.va()).str("kind", a.kind().wireName());
        Insn defInsn = a.kind() == AccessKind.WRITE ? Insn.MOV : Insn.LOAD;
        Insn insn = a.insn() == null ? defInsn : a.insn();
        int defSize = insn == Insn.MOVDQU ? 16 : a.kind() == AccessKind.FETCH ? 1 : 8;
        if (a.size() != defSize) {
            m.num("size", a.size());
        }
        if (a.kind() == AccessKind.WRITE) {
            m.put("value", data(a.value() == null ? 0 : a.value(), dn));
        }
        if (insn != defInsn) {
            m.str("insn", insn.wireName());
        }
        if (a.compare() != null) {
            m.put("compare", data(a.compare(), dn));
        }
        if (a.cpl() != null) {
            m.num("cpl", a.cpl());
        }
        if (a.implicit()) {
            m.bool("implicit", true);
        }
        if (a.stack()) {
            m.bool("stack", true);
        }
    }

    private void call(HypercallOp op, String dn, YMap m) {
        m.str("call", op.hypercallName());
        switch (op) {
            case HypercallOp.MmuUpdate u -> {
                List<Object> reqs = new ArrayList<>();
                for (HypercallOp.MmuUpdate.Request r : u.requests()) {
                    YMap e = new YMap().put("ptr", address(r.ptr() & ~7L, dn));
                    int cmd = (int) (r.ptr() & 7);
                    if (cmd != 0) {
                        e.put("cmd", named(PvNames.MMU_CMDS, cmd));
                    }
                    reqs.add(e.put("val", data(r.val(), dn)));
                }
                m.put("requests", reqs);
                foreignDom(u.foreignDom(), m);
            }
            case HypercallOp.UpdateVaMapping u -> {
                m.hex("va", u.va()).put("val", data(u.val(), dn));
                if (u.flags() != 0) {
                    if ((u.flags() & ~7L) == 0) {
                        List<Object> names = new ArrayList<>();
                        for (var e : PvNames.UVMF.entrySet()) {
                            if (e.getValue() != 0 && (u.flags() & e.getValue()) != 0) {
                                names.add(Yaml.string(e.getKey()));
                            }
                        }
                        m.put("flags", names);
                    } else {
                        m.hex("flags", u.flags());
                    }
                }
            }
            case HypercallOp.MmuextOp x -> {
                List<Object> ops = new ArrayList<>();
                for (HypercallOp.MmuextOp.Request r : x.ops()) {
                    ops.add(extOp(r, dn));
                }
                m.put("ops", ops);
                foreignDom(x.foreignDom(), m);
            }
            case HypercallOp.SetTrapTable t -> m.put("entries", t.nullHandle() ? Yaml.null_()
                    : Yaml.list(t.entries().stream().map(ScenarioWriter::trapInfo).toList()));
            case HypercallOp.VmAssist v -> m.put("cmd", named(PvNames.VMASST_CMDS, Integer.toUnsignedLong(v.cmd())))
                    .put("type", named(PvNames.VMASST_TYPES, Integer.toUnsignedLong(v.type())));
            case HypercallOp.Iret i -> {
            }
            case HypercallOp.Multicall mc -> {
                List<Object> calls = new ArrayList<>();
                for (HypercallOp c : mc.calls()) {
                    YMap e = new YMap();
                    call(c, dn, e);
                    calls.add(e);
                }
                m.put("calls", calls);
            }
        }
    }

    private YMap extOp(HypercallOp.MmuextOp.Request r, String dn) {
        long cmd = Integer.toUnsignedLong(r.cmd());
        YMap e = new YMap().put("cmd", named(PvNames.MMUEXT_CMDS, cmd));
        PvNames.ExtArgs a = PvNames.extArgs(r.cmd());
        boolean fits = a != null && (a.arg1() != null || r.arg1() == 0) && (a.arg2() != null || r.arg2() == 0);
        if (!fits) {
            if (r.arg1() != 0) {
                e.hex("arg1", r.arg1());
            }
            if (r.arg2() != 0) {
                e.hex("arg2", r.arg2());
            }
            return e;
        }
        slot(e, a.arg1(), r.arg1(), dn);
        slot(e, a.arg2(), r.arg2(), dn);
        return e;
    }

    private void slot(YMap e, String key, long v, String dn) {
        if (key == null || v == 0) {
            return;
        }
        if (key.equals("mfn") || key.equals("src_mfn")) {
            if (v >= 0 && v < doms.byName.get(dn).frameLimit()) {
                e.put(key, frame(v, dn));
            } else {
                e.hex(key.equals("mfn") ? "arg1" : "arg2", v);
            }
        } else if (key.equals("count")) {
            e.num(key, v);
        } else {
            e.hex(key, v);
        }
    }

    private static void foreignDom(int fd, YMap m) {
        if (fd != PvNames.DOMID_SELF) {
            m.hex("foreign_dom", Integer.toUnsignedLong(fd));
        }
    }

    private static Scalar named(Map<String, Integer> names, long v) {
        String n = PvNames.nameOf(names, v);
        return n == null ? new Scalar(Long.toString(v)) : Yaml.string(n);
    }

    private static YMap knobs(Knobs k) {
        YMap m = new YMap();
        if (k.emulatorFails()) {
            m.bool("emulator_fails", true);
        }
        if (k.pendingEvent() != null) {
            YMap e = new YMap().num("vector", k.pendingEvent().vector()).str("type", k.pendingEvent().type());
            if (k.pendingEvent().errorCode() != null) {
                e.hex("error_code", Integer.toUnsignedLong(k.pendingEvent().errorCode()));
            }
            m.put("pending_event", e);
        }
        if (k.shadowOom()) {
            m.bool("shadow_oom", true);
        }
        if (k.eventsPending()) {
            m.bool("events_pending", true);
        }
        return m;
    }

    private static YMap expect(Expectation e) {
        YMap m = new YMap().str("outcome", e.outcome().wireName());
        e.fields().forEach((k, v) -> m.put(k, Yaml.value(v)));
        return m;
    }

    // ---------------------------------------------------------------- values

    /** A frame by name when the domain names it, else its number in hex. */
    private Scalar frame(long f, String dn) {
        String n = names.get(dn).get(f);
        return n != null ? Yaml.string(n) : new Scalar(Values.hex(f));
    }

    private Scalar frameKeepingText(long f, String text, Dom d) {
        if (text != null && !text.isBlank()) {
            try {
                if (Exprs.frame(PROBE, new Node.Scalar(Location.START, text, Node.ScalarType.STRING), "", d, doms)
                        == f) {
                    return Yaml.value(text);
                }
            } catch (ScenarioLoadException e) {
                // the text no longer denotes this frame: fall back to the canonical form
            }
        }
        return frame(f, d.name);
    }

    /** CR3-like: a frame ref when page aligned, else {@code addr(FRAME, OFFSET)}. */
    private Scalar frameAddress(long pa, String dn) {
        long off = pa & 0xfff;
        Scalar f = frame(pa >>> 12, dn);
        if (off == 0) {
            return f;
        }
        return Yaml.string("addr(" + f.yaml() + ", " + Values.hex(off) + ")");
    }

    /** A physical address: {@code pte(T, I)} in page-table frames, {@code addr(F, OFF)} in named frames, else hex. */
    private Scalar address(long pa, String dn) {
        long f = pa >>> 12;
        long off = pa & 0xfff;
        String n = names.get(dn).get(f);
        if (n == null) {
            return new Scalar(Values.hex(pa));
        }
        int width = doms.byName.get(dn).entryWidth;
        if (tableFrames.get(dn).contains(f) && off % width == 0) {
            return Yaml.string("pte(" + n + ", " + (off / width) + ")");
        }
        return Yaml.string("addr(" + n + ", " + Values.hex(off) + ")");
    }

    /** Data that may be an entry: by frame name when its address bits name a frame, else hex. */
    private Scalar data(long v, String dn) {
        String e = Exprs.renderEntry(v, names.get(dn));
        return e != null ? Yaml.string(e) : new Scalar(Values.hex(v));
    }

    /** A page-table entry: the original text if it still denotes the value, else frame name (or hex) and flags. */
    private Scalar entryKeepingText(long v, String text, Dom d) {
        if (text != null && !text.isBlank()) {
            try {
                if (Exprs.entry(PROBE, new Node.Scalar(Location.START, text, kindOf(text)), "", d, doms, true) == v) {
                    return Yaml.value(text);
                }
            } catch (ScenarioLoadException e) {
                // the text no longer denotes this value: fall back to the canonical form
            }
        }
        String named = Exprs.renderEntry(v, names.get(d.name));
        if (named != null) {
            return Yaml.string(named);
        }
        long addr = v & 0x000F_FFFF_FFFF_F000L;
        long rest = v & ~addr;
        if (addr == 0) {
            return Yaml.string(Exprs.renderFlags(v));
        }
        return Yaml.string(rest == 0 ? Values.hex(addr) : Values.hex(addr) + " | " + Exprs.renderFlags(rest));
    }

    private static Node.ScalarType kindOf(String text) {
        return Values.parseBig(text) != null ? Node.ScalarType.INT : Node.ScalarType.STRING;
    }

    private static final Ctx PROBE = new Ctx("<writer>");
}
