//! Plain panic messages in the notebook: what went wrong in one line, no backtrace.
//!
//! evcxr runs every cell with `RUST_BACKTRACE=1`: a panic prints Rust's report, a location in
//! evcxr's generated code (`src/lib.rs:4:5`, not a line of the notebook) and a backtrace of
//! about fifteen lines through evcxr's internals. [`plain_panics`], which every lab calls in its
//! first cell, prints the message alone:
//!
//! | the panic                                   | what the cell shows                         |
//! |---------------------------------------------|---------------------------------------------|
//! | `todo!("init_params")`, a task's stub       | `` `init_params` is not written yet: fill in the cell marked // YOUR CODE HERE `` |
//! | `assert!(b > 0.0, "b = {b}: draw b first")` | `b = -1: draw b first`                       |
//! | `assert_eq!(a, b, "…")`                      | the message, then the `left:` and `right:` values |
//!
//! [`full_panics`] brings Rust's own report, backtrace included, back.
//!
//! **For the notebook runner and the grader.** evcxr forwards stderr on a thread of its own,
//! so a message written there can arrive after the cell has "finished", and be shown under
//! the next cell. With the environment variable `LABKIT_PANICS_AS_OUTPUT` set (the runner and
//! the grader set it; JupyterLab does not), a panic in the cell's own thread is sent as a MIME
//! block of type `text/x-labkit-panic` instead, which evcxr delivers before the cell ends; they show
//! it as the cell's stderr. Panics in other threads still go to stderr.

use std::panic::{self, PanicHookInfo};
use std::thread;

/// MIME type of a panic message sent as cell output (see the module docs; tools/late_output.py).
const PANIC_MIME: &str = "text/x-labkit-panic";

/// From now on a panic prints its message only (see the module docs); lasts until the
/// kernel restarts.
pub fn plain_panics() {
    let as_output = std::env::var_os("LABKIT_PANICS_AS_OUTPUT").is_some();
    let cells_thread = thread::current().id(); // evcxr runs every cell on this same thread
    panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        let message = plain_message(info);
        if as_output && thread::current().id() == cells_thread {
            super::emit(&[(PANIC_MIME, &message)]);
        } else {
            eprintln!("{message}");
        }
    }));
}

/// Rust's own panic report again, with location and backtrace (undoes [`plain_panics`]).
pub fn full_panics() {
    drop(panic::take_hook()); // taking the hook puts the default one back
}

fn plain_message(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    match payload.downcast_ref::<&str>().copied().or(payload.downcast_ref::<String>().map(String::as_str)) {
        Some(message) => plain_text(message),
        None => "panicked (with a value that is not text)".to_string(),
    }
}

/// The message shown for a panic with this text: an unwritten task (`todo!("name")`, whose
/// panic reads "not yet implemented: name") is named; any other message is kept as it is.
pub(crate) fn plain_text(message: &str) -> String {
    const TODO: &str = "not yet implemented";
    match message.strip_prefix(TODO) {
        Some("") => "a task is not written yet: fill in the cell marked // YOUR CODE HERE".to_string(),
        Some(rest) if rest.starts_with(": ") => {
            format!("`{}` is not written yet: fill in the cell marked // YOUR CODE HERE", &rest[2..])
        }
        _ => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload_of(f: impl FnOnce() + panic::UnwindSafe) -> String {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        let err = panic::catch_unwind(f).unwrap_err();
        panic::set_hook(previous);
        err.downcast_ref::<&str>().map(|s| s.to_string()).or(err.downcast_ref::<String>().cloned()).unwrap()
    }

    #[test]
    fn an_unwritten_task_is_named_in_one_line() {
        let shown = plain_text(&payload_of(|| todo!("init_params")));
        assert_eq!(shown, "`init_params` is not written yet: fill in the cell marked // YOUR CODE HERE");
    }

    #[test]
    fn a_todo_without_a_name_still_says_what_to_do() {
        let shown = plain_text(&payload_of(|| todo!()));
        assert_eq!(shown, "a task is not written yet: fill in the cell marked // YOUR CODE HERE");
    }

    #[test]
    fn other_messages_are_kept_word_for_word() {
        let b = -1.0;
        let message = payload_of(move || assert!(b > 0.0, "b = {b}: draw b first"));
        assert_eq!(plain_text(&message), "b = -1: draw b first");
        let not_a_task = "not yet implementedly wrong";
        assert_eq!(plain_text(not_a_task), not_a_task);
    }
}
