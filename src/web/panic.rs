//! Panics are bugs, but one must not take the page down, nor the other
//! sources: a panic poisons only the source whose code was running, which
//! releases its connection and timer, and the JavaScript object dispatches
//! `error` and goes CLOSED. The message goes to the console.
//!
//! wasm32 aborts on panic (no unwinding), so the panic hook is the last Rust
//! code to run: it finds the resources of the current source through
//! [`enter`], which every entry point into a driver calls. The std build (the default, used by tests
//! and Rust users) reports with `console_error_panic_hook`; the npm build is
//! `no_std` and has its own small handler that reports the message and the
//! place without the formatting machinery.

use core::sync::atomic::{AtomicPtr, Ordering};

/// What the panic path does to the driver whose code was running: release
/// its connection and timer, never enter it again, tell its front-end.
/// (A trait: the driver's resources are generic over its front-end.)
pub trait Poison {
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
pub struct Entered {
    resources: *mut (),
    poison: *mut (),
}

pub fn enter<P: Poison>(resources: &P) -> Entered {
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
pub fn install() {
    use core::sync::atomic::AtomicBool;
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if !INSTALLED.swap(true, Ordering::Relaxed) {
        std::panic::set_hook(alloc::boxed::Box::new(|info| {
            console_error_panic_hook::hook(info);
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
pub fn install() {}

#[cfg(not(feature = "std"))]
mod handler {
    use alloc::string::String;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = console, js_name = error)]
        fn console_error(message: &str);
    }

    /// `n` in decimal, without `core::fmt` (which would add the formatting
    /// machinery to the wasm).
    fn push_decimal(out: &mut String, n: u32) {
        if n >= 10 {
            push_decimal(out, n / 10);
        }
        out.push(char::from(b'0' + (n % 10) as u8));
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        let mut message = String::from("eventsource-wasm panicked");
        if let Some(location) = info.location() {
            message.push_str(" at ");
            message.push_str(location.file());
            message.push(':');
            push_decimal(&mut message, location.line());
        }
        message.push_str(": ");
        // Only literal messages are available without `core::fmt`.
        message.push_str(
            info.message()
                .as_str()
                .unwrap_or("(message formatted at run time; see the std build)"),
        );
        message.push_str(
            ". This is a bug: please report it. The source that panicked was closed; the page and other sources go on.",
        );
        console_error(&message);
        super::poison_current(&message);
        core::arch::wasm32::unreachable()
    }
}
