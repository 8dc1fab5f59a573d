//! Panics are bugs, but one must not take the page down, nor the other
//! sources: a panic poisons only the source whose code was running, which
//! releases its connection and timer, and the JavaScript object dispatches
//! `error` and goes CLOSED. The message goes to the console.
//!
//! wasm32 aborts on panic (no unwinding), so the panic hook is the last Rust
//! code to run: it finds the resources of the current source through
//! [`enter`], which every entry point into a driver calls. The std build (the default, used by tests
//! and Rust users) reports with `console_error_panic_hook`; the npm build is
//! `no_std` and has its own small handler that reports a fixed sentence and
//! the wasm offsets of the panicking frames, without the formatting
//! machinery (`core::fmt`), which reading the message or the location would
//! keep in the wasm.

use core::sync::atomic::{AtomicPtr, Ordering};

/// What the panic path does to the driver whose code was running: release
/// its connection and timer, never enter it again, tell its front-end.
/// (A trait: the driver's resources are generic over its front-end.)
pub(super) trait Poison {
    fn poison(&self, message: &str);
}

/// The resources of the driver whose code is running, if any, and the
/// function that poisons resources of their type (`poison_as::<P>`).
static CURRENT: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());
static POISON: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

type PoisonFn = unsafe fn(*const (), &str);

/// # Safety
/// `resources` points to a live `P`.
unsafe fn poison_as<P: Poison>(resources: *const (), message: &str) {
    // SAFETY: the caller's.
    unsafe { (*resources.cast::<P>()).poison(message) }
}

/// Marks the driver owning `resources` as the one running until the guard
/// is dropped (nesting restores the outer one: a handler of source A may
/// close source B).
pub(super) struct Entered {
    resources: *mut (),
    poison: *mut (),
}

pub(super) fn enter<P: Poison>(resources: &P) -> Entered {
    let poison = poison_as::<P> as PoisonFn as *mut ();
    Entered {
        resources: CURRENT.swap((resources as *const P).cast_mut().cast(), Ordering::Relaxed),
        poison: POISON.swap(poison, Ordering::Relaxed),
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        CURRENT.store(self.resources, Ordering::Relaxed);
        POISON.store(self.poison, Ordering::Relaxed);
    }
}

/// Called from the panic hook or handler with the message already reported.
#[cfg(any(feature = "std", feature = "js"))]
fn poison_current(message: &str) {
    let current = CURRENT.swap(core::ptr::null_mut(), Ordering::Relaxed);
    let poison = POISON.swap(core::ptr::null_mut(), Ordering::Relaxed);
    if !current.is_null() && !poison.is_null() {
        // SAFETY: both are only set together by `enter`, whose guard lives
        // on the stack of the driver code that is panicking right now, while
        // that code holds a strong reference to the driver owning the
        // resources; `poison` is `poison_as` for their type.
        unsafe {
            let poison = core::mem::transmute::<*mut (), PoisonFn>(poison);
            poison(current, message);
        }
    }
}

#[cfg(feature = "std")]
pub(super) fn install() {
    use core::sync::atomic::AtomicBool;
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if !INSTALLED.swap(true, Ordering::Relaxed) {
        // A Rust app's own hook (installed before its first source) still
        // reports the panic; the JavaScript class reports with
        // console_error_panic_hook.
        #[cfg(not(feature = "js"))]
        let previous = std::panic::take_hook();
        std::panic::set_hook(alloc::boxed::Box::new(move |info| {
            #[cfg(feature = "js")]
            console_error_panic_hook::hook(info);
            #[cfg(not(feature = "js"))]
            previous(info);
            let payload = info.payload();
            let message = match (
                payload.downcast_ref::<&str>(),
                payload.downcast_ref::<alloc::string::String>(),
            ) {
                (Some(text), _) => text,
                (_, Some(text)) => text.as_str(),
                _ => "panic",
            };
            poison_current(message);
        }));
    }
}

#[cfg(not(feature = "std"))]
pub(super) fn install() {}

// Only in the npm build (`js`): a Rust app has its own (std's).
#[cfg(all(feature = "js", not(feature = "std")))]
mod handler {
    use wasm_bindgen::prelude::*;

    // The message is made in JavaScript, from the stack the panic handler
    // runs on: the wasm frames' offsets (`wasm-function[i]:0x…`, in V8,
    // SpiderMonkey and JavaScriptCore alike) say which site panicked in
    // this build, for no bytes of wasm.
    #[wasm_bindgen(module = "/src/js/wasm/panic.js")]
    extern "C" {
        #[wasm_bindgen(js_name = panicReport)]
        fn panic_report() -> alloc::string::String;
    }

    /// Reports without reading `info`: the message and the location are
    /// what keeps `core::fmt` in the wasm. Every panicking site builds a
    /// `fmt::Arguments` for the handler, whose function pointers keep
    /// integer and `Display` formatting alive in the element table; a
    /// handler that never looks at them lets LTO drop those arguments and
    /// all of `core::fmt` with them (−3.2 KB gzipped, BENCHMARKS.md). The
    /// std build keeps the full message for development.
    #[panic_handler]
    fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
        super::poison_current(&panic_report());
        core::arch::wasm32::unreachable()
    }
}
