/*!
How the process uses glibc's allocator: its heaps set up once at the start, and freed
memory given back to the system between stages.

**Heaps at full size.** glibc gives each thread that allocates an arena whose heap is
64 MB of reserved address space, made usable a few pages at a time as it fills: one
`mprotect` call each time, under the kernel's memory-map lock that every page fault
and thread start of the process also takes. Building and saving a workbook of 1,000
KPI sheets grows the heaps some 30,000 times that way, while the other core waits on
the lock. A top pad of the heap's whole size makes each new heap usable at once (about
1,000 calls, one per heap and thread stack). It costs address space already reserved,
not memory: pages become resident only when written, as before, so the peak resident
size does not change (README, "Speed and memory"). Setting it has two side effects in
glibc, both measured: the mmap threshold stops adapting (it stays at 128 KB, so every
larger block is mapped and unmapped on its own), and a thread's heap keeps its free
top instead of shrinking (only `release_freed` gives that back). Neither shows in the
runs measured: mmap and munmap calls stayed near 1,050 each for 1,000 KPIs and for
10 M rows, page faults fell by 2–4%, peaks were unchanged.

**Freed memory back before the workbook.** glibc keeps freed memory in the arena of
the thread that allocated it. The text reader's thread allocates every chunk it
splits, and the chunks are freed elsewhere once read, so after the reading that arena
holds memory no later stage can reuse (the sheets are built on other threads).
Trimming the arenas then lowers the whole run's peak: 1,000 KPIs × 120 months peak at
243 MB instead of 257 MB, at no measurable cost in time.

Both are glibc's own calls (elsewhere there is nothing to do) and the crate's only
`unsafe` code.
*/

/// The reserved size of one of glibc's per-thread heaps on 64-bit Linux
/// (`HEAP_MAX_SIZE`, twice the largest mmap threshold of 32 MB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const GLIBC_HEAP_SIZE: libc::c_int = 64 << 20;

/// Set up the allocator for this process: called once, first thing in `main`, before
/// any thread starts.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt takes no pointers and is called before any other thread
    // exists; it changes how glibc grows, trims and maps its heaps, never what an
    // allocation returns.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, GLIBC_HEAP_SIZE);
    }
}

/// Return the memory freed so far to the operating system (glibc on Linux; elsewhere
/// nothing to do).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim takes no pointers and may be called from any thread at any
    // time; it only returns free pages of the heap to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}
