//! The npm build's allocator (feature `js`, without `std`): a free list in
//! address order, first fit, neighbours merged when a block is freed, and a
//! block grown in place where the memory after it is free or is the end of
//! the heap. It is about a third of talc's code in the wasm (measured:
//! BENCHMARKS.md, "The wasm's bytes, change by change"); talc stays the
//! allocator of Rust apps, whose allocation patterns this crate does not
//! know.
//!
//! What the package allocates is few and mostly long-lived (a source's
//! buffers, reused between chunks and events; a request's strings), so a
//! short list searched first-fit is enough. What must hold (tests/node/
//! bad-input.test.mjs): memory freed is found again, so five 16 MiB events
//! in a row grow the wasm memory for the first only; a buffer that doubles
//! at the end of the heap grows where it is instead of being copied next
//! to itself.
//!
//! wasm32 without threads (the crate's only npm target): one caller at a
//! time, so the state is a plain cell.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr::{self, null_mut};

/// Every block starts with a header of this many bytes (its size, then
/// padding) and is a multiple of it, so that payloads are 8-aligned.
const HEADER: usize = 8;
/// The smallest block: a header and, while free, the link to the next.
const MIN_BLOCK: usize = 16;
const PAGE: usize = 65536;

/// A free block: its size (header included) and the next free block.
#[repr(C)]
struct Free {
    size: usize,
    next: *mut Free,
}

struct State {
    /// The first free block (lowest address), or null.
    free: *mut Free,
    /// The end of the memory this allocator has taken from `memory.grow`.
    end: usize,
}

/// The allocator (see the module's documentation).
struct Heap(UnsafeCell<State>);

#[global_allocator]
static ALLOCATOR: Heap = Heap::new();

// SAFETY: wasm32 without the `atomics` feature has one thread.
unsafe impl Sync for Heap {}

impl Heap {
    const fn new() -> Heap {
        Heap(UnsafeCell::new(State {
            free: null_mut(),
            end: 0,
        }))
    }
}

/// The block size for `layout`: payload rounded up, header added.
fn block_size(layout: &Layout) -> usize {
    (layout.size().max(MIN_BLOCK - HEADER) + HEADER + HEADER - 1) & !(HEADER - 1)
}

impl State {
    /// Take `size` bytes (a multiple of [`HEADER`]) from the first free
    /// block that holds them, splitting off the rest; or from new memory.
    unsafe fn take(&mut self, size: usize) -> *mut u8 {
        unsafe {
            let mut link: *mut *mut Free = &mut self.free;
            while !(*link).is_null() {
                let block = *link;
                let have = (*block).size;
                if have >= size {
                    if have - size >= MIN_BLOCK {
                        let rest = block.cast::<u8>().add(size).cast::<Free>();
                        (*rest).size = have - size;
                        (*rest).next = (*block).next;
                        *link = rest;
                        (*block).size = size;
                    } else {
                        *link = (*block).next;
                    }
                    return block.cast::<u8>().add(HEADER);
                }
                link = &mut (*block).next;
            }
            if !self.grow(size) {
                return null_mut();
            }
            self.take(size)
        }
    }

    /// At least `size` more bytes from `memory.grow`, given back as a free
    /// block (merged with a free block that ends where they start).
    unsafe fn grow(&mut self, size: usize) -> bool {
        let pages = size.div_ceil(PAGE);
        let previous = wasm32::memory_grow(0, pages);
        if previous == usize::MAX {
            return false;
        }
        let start = previous * PAGE;
        let new_end = start + pages * PAGE;
        self.end = new_end;
        unsafe {
            let block = start as *mut Free;
            (*block).size = new_end - start;
            self.give(block);
        }
        true
    }

    /// Put `block` (its size set) back in the list, in address order,
    /// merged with the free blocks right before and after it.
    unsafe fn give(&mut self, block: *mut Free) {
        unsafe {
            let at = block as usize;
            let mut before: *mut Free = null_mut();
            let mut after = self.free;
            while !after.is_null() && (after as usize) < at {
                before = after;
                after = (*after).next;
            }
            (*block).next = after;
            if !after.is_null() && at + (*block).size == after as usize {
                (*block).size += (*after).size;
                (*block).next = (*after).next;
            }
            if before.is_null() {
                self.free = block;
            } else if before as usize + (*before).size == at {
                (*before).size += (*block).size;
                (*before).next = (*block).next;
            } else {
                (*before).next = block;
            }
        }
    }

    /// Grow the block at `block` (of `have` bytes) to `want` bytes where it
    /// is, if the free block right after it (or new memory there, at the end
    /// of the heap) holds the difference.
    unsafe fn grow_in_place(&mut self, block: *mut u8, have: usize, want: usize) -> bool {
        unsafe {
            let next_at = block as usize + have;
            let mut link: *mut *mut Free = &mut self.free;
            while !(*link).is_null() && ((*link) as usize) < next_at {
                link = &mut (**link).next;
            }
            let next = *link;
            let free_after = if next as usize == next_at { (*next).size } else { 0 };
            if have + free_after < want {
                // At the end of the heap: more memory makes it fit.
                if next_at + free_after != self.end || !self.grow(want - have - free_after) {
                    return false;
                }
                // `grow` merged the new memory into the free block after
                // this one (or made it): look again.
                return self.grow_in_place(block, have, want);
            }
            let rest = have + free_after - want;
            if rest >= MIN_BLOCK {
                let split = block.add(want).cast::<Free>();
                (*split).size = rest;
                (*split).next = (*next).next;
                *link = split;
                (*block.cast::<Free>()).size = want;
            } else {
                *link = (*next).next;
                (*block.cast::<Free>()).size = have + free_after;
            }
            true
        }
    }
}

unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: one thread, and no allocation from inside an allocation.
        let state = unsafe { &mut *self.0.get() };
        let size = block_size(&layout);
        if layout.align() <= HEADER {
            return unsafe { state.take(size) };
        }
        // A larger alignment (no type of this crate has one): room to move
        // the payload up to it, the space before given back as a block.
        unsafe {
            let payload = state.take(size + 2 * layout.align());
            if payload.is_null() {
                return payload;
            }
            let block = payload.sub(HEADER);
            let total = (*block.cast::<Free>()).size;
            let mut aligned = (payload as usize + layout.align() - 1) & !(layout.align() - 1);
            if aligned - payload as usize == HEADER {
                aligned += layout.align();
            }
            let lead = aligned - payload as usize;
            if lead == 0 {
                return payload;
            }
            let moved = block.add(lead);
            (*moved.cast::<Free>()).size = total - lead;
            let gap = block.cast::<Free>();
            (*gap).size = lead;
            state.give(gap);
            moved.add(HEADER)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        let state = unsafe { &mut *self.0.get() };
        unsafe { state.give(ptr.sub(HEADER).cast::<Free>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let state = unsafe { &mut *self.0.get() };
        unsafe {
            let block = ptr.sub(HEADER);
            let have = (*block.cast::<Free>()).size;
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let want = block_size(&new_layout);
            if want <= have {
                // Shrinking: the tail goes back to the list if it can be a
                // block (a huge buffer shrunk lets its memory go).
                if have - want >= MIN_BLOCK {
                    (*block.cast::<Free>()).size = want;
                    let tail = block.add(want).cast::<Free>();
                    (*tail).size = have - want;
                    state.give(tail);
                }
                return ptr;
            }
            if layout.align() <= HEADER && state.grow_in_place(block, have, want) {
                return ptr;
            }
            let new = self.alloc(new_layout);
            if !new.is_null() {
                ptr::copy_nonoverlapping(ptr, new, layout.size());
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
