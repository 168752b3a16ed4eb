package xpf.sim.xen.pv;

import xpf.model.scenario.Errno;

/** Xen's negative errno return values as ints (public/errno.h), so decision points read like the C. */
final class Rc {
    static final int OK = 0;
    static final int EPERM = -(int) Errno.EPERM;
    static final int ENOENT = -(int) Errno.ENOENT;
    static final int ESRCH = -(int) Errno.ESRCH;
    static final int EACCES = -(int) Errno.EACCES;
    static final int EFAULT = -(int) Errno.EFAULT;
    static final int EBUSY = -(int) Errno.EBUSY;
    static final int EINVAL = -(int) Errno.EINVAL;
    static final int ENOSYS = -(int) Errno.ENOSYS;
    static final int EOPNOTSUPP = -(int) Errno.EOPNOTSUPP;

    private Rc() {
    }

    static String name(long rc) {
        return Errno.name(rc);
    }
}
