package xpf.model.x86;

/**
 * The control-register state a walk depends on (x86-paging.md §1.0). The paging mode stands for CR0.PG, CR4.PAE,
 * EFER.LMA and CR4.LA57 together; the remaining bits are listed one by one. {@code cr3} is the raw register value.
 */
public record PagingControls(
        PagingMode mode,
        boolean cr0Wp,
        boolean cr4Pse,
        boolean cr4Pge,
        boolean cr4Smep,
        boolean cr4Smap,
        boolean cr4Pke,
        boolean cr4Pks,
        boolean eferNxe,
        boolean eflagsAc,
        int pkru,
        int pkrs,
        long cr3) {

    public PagingControls {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
    }

    /** 4-level paging with everything off and the given CR3; a convenient starting point for tests. */
    public static PagingControls long4(long cr3) {
        return new PagingControls(PagingMode.LONG4, false, false, false, false, false, false, false, false, false,
                0, 0, cr3);
    }

    public PagingControls withMode(PagingMode m) {
        return new PagingControls(m, cr0Wp, cr4Pse, cr4Pge, cr4Smep, cr4Smap, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withCr3(long v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, cr4Smep, cr4Smap, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                pkru, pkrs, v);
    }

    public PagingControls withWp(boolean v) {
        return new PagingControls(mode, v, cr4Pse, cr4Pge, cr4Smep, cr4Smap, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withPse(boolean v) {
        return new PagingControls(mode, cr0Wp, v, cr4Pge, cr4Smep, cr4Smap, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withPge(boolean v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, v, cr4Smep, cr4Smap, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withSmep(boolean v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, v, cr4Smap, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withSmap(boolean v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, cr4Smep, v, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withPke(boolean v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, cr4Smep, cr4Smap, v, cr4Pks, eferNxe, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withPks(boolean v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, cr4Smep, cr4Smap, cr4Pke, v, eferNxe, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withNxe(boolean v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, cr4Smep, cr4Smap, cr4Pke, cr4Pks, v, eflagsAc,
                pkru, pkrs, cr3);
    }

    public PagingControls withAc(boolean v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, cr4Smep, cr4Smap, cr4Pke, cr4Pks, eferNxe, v,
                pkru, pkrs, cr3);
    }

    public PagingControls withPkru(int v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, cr4Smep, cr4Smap, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                v, pkrs, cr3);
    }

    public PagingControls withPkrs(int v) {
        return new PagingControls(mode, cr0Wp, cr4Pse, cr4Pge, cr4Smep, cr4Smap, cr4Pke, cr4Pks, eferNxe, eflagsAc,
                pkru, v, cr3);
    }
}
