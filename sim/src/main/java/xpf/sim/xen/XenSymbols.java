package xpf.sim.xen;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The index of Xen decision points the simulator mirrors: C symbol → where it lives in Xen (file, version) and
 * which Java member mirrors it. Built by reflecting the {@link XenFunction} annotations of the classes that register
 * here. {@code xpf explain} uses it to print each {@code CALL} event of a trace with its source file.
 *
 * <p>How a path registers its classes: implement {@link Source} and list the implementation in
 * {@code META-INF/services/xpf.sim.xen.XenSymbols$Source} (found through {@link ServiceLoader}, so the index is
 * complete before any scenario runs, whatever was loaded first), or call {@link #register} directly.
 */
public final class XenSymbols {

    /** Contributes classes whose {@link XenFunction} annotations belong in the index. */
    public interface Source {
        List<Class<?>> classes();
    }

    /** One decision point: the C symbol, its file and Xen version, the mirroring Java member, former names. */
    public record Symbol(String symbol, String file, String version, String javaMember, List<String> formerly) {
        public Symbol {
            formerly = List.copyOf(formerly);
        }
    }

    private static final Set<Class<?>> REGISTERED = new LinkedHashSet<>();
    private static SortedMap<String, Symbol> index;

    private XenSymbols() {
    }

    /** Adds classes to the index (idempotent). */
    public static synchronized void register(Class<?>... classes) {
        for (Class<?> c : classes) {
            if (REGISTERED.add(c)) {
                index = null;
            }
        }
    }

    /** The symbol of a {@code CALL} event; also found by a former name ({@code propagate_page_fault}). */
    public static synchronized Optional<Symbol> lookup(String symbol) {
        return Optional.ofNullable(index().get(symbol));
    }

    /** Every indexed symbol by name (sorted, so listings are deterministic). */
    public static synchronized SortedMap<String, Symbol> all() {
        return Collections.unmodifiableSortedMap(index());
    }

    private static SortedMap<String, Symbol> index() {
        if (index == null) {
            for (Source s : ServiceLoader.load(Source.class, XenSymbols.class.getClassLoader())) {
                REGISTERED.addAll(s.classes());
            }
            index = build(REGISTERED);
        }
        return index;
    }

    /** Reflects the annotations of {@code classes}; when two members claim a symbol, the first by member name wins. */
    static SortedMap<String, Symbol> build(Set<Class<?>> classes) {
        List<Symbol> found = new ArrayList<>();
        for (Class<?> c : classes) {
            scan(c, c.getName(), found);
            for (Method m : c.getDeclaredMethods()) {
                scan(m, c.getName() + "." + m.getName(), found);
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                scan(k, c.getName() + ".<init>", found);
            }
        }
        found.sort(Comparator.comparing(Symbol::javaMember));
        SortedMap<String, Symbol> out = new TreeMap<>();
        for (Symbol s : found) {
            out.putIfAbsent(s.symbol(), s);
        }
        for (Symbol s : found) {
            for (String f : s.formerly()) {
                out.putIfAbsent(f, s);
            }
        }
        return out;
    }

    private static void scan(AnnotatedElement e, String member, List<Symbol> out) {
        XenFunction x = e.getAnnotation(XenFunction.class);
        if (x != null) {
            out.add(new Symbol(x.symbol(), x.file(), x.version(), member, List.of(x.formerly())));
        }
    }

    /** The shared classes of this module ({@code xpf.sim.xen.*} outside the PV and HVM paths). */
    public static final class Shared implements Source {
        @Override
        public List<Class<?>> classes() {
            return List.of(xpf.sim.xen.emul.X86Emulate.class);
        }
    }
}
