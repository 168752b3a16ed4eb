package xpf.model.scenario;

import java.util.Map;
import java.util.TreeMap;

/** Xen's errno values (public/errno.h), rendered by name: {@code -EINVAL}. */
public final class Errno {
    public static final long EPERM = 1;
    public static final long ENOENT = 2;
    public static final long ESRCH = 3;
    public static final long EINTR = 4;
    public static final long ENOMEM = 12;
    public static final long EACCES = 13;
    public static final long EFAULT = 14;
    public static final long EBUSY = 16;
    public static final long EEXIST = 17;
    public static final long EINVAL = 22;
    public static final long ENOSYS = 38;
    public static final long EOPNOTSUPP = 95;
    public static final long ERESTART = 85;

    private static final Map<Long, String> NAMES = new TreeMap<>(Map.ofEntries(Map.entry(EPERM, "EPERM"),
            Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"), Map.entry(EINTR, "EINTR"),
            Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"), Map.entry(EFAULT, "EFAULT"),
            Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"), Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENOSYS, "ENOSYS"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(ERESTART, "ERESTART")));

    private Errno() {
    }

    /** {@code 0} → "0", {@code -22} → "-EINVAL", unknown negatives → decimal. */
    public static String name(long rc) {
        if (rc >= 0) {
            return Long.toString(rc);
        }
        String n = NAMES.get(-rc);
        return n == null ? Long.toString(rc) : "-" + n;
    }

    /** Parses "-EINVAL", "EINVAL", "0", "-22". */
    public static long parse(String s) {
        String t = s.trim();
        boolean neg = t.startsWith("-");
        String body = neg ? t.substring(1) : t;
        if (!body.isEmpty() && Character.isDigit(body.charAt(0))) {
            long v = Long.parseLong(body);
            return neg ? -v : v;
        }
        for (Map.Entry<Long, String> e : NAMES.entrySet()) {
            if (e.getValue().equals(body)) {
                return -e.getKey();
            }
        }
        throw new IllegalArgumentException("unknown errno '" + s + "' (expected 0, -EINVAL, -EBUSY, ...)");
    }
}
