//! Hooks for the tests of the real binary, compiled only with the `test-hooks` feature (which
//! only the test suite turns on): with `SCTUI_TEST_PANIC` set, F12 makes a background task panic,
//! so a test can check that the terminal is restored, at a moment it chooses.

#[cfg(feature = "test-hooks")]
pub fn on_event(event: &crossterm::event::Event) {
    use crossterm::event::{Event, KeyCode};
    if let Event::Key(k) = event
        && k.code == KeyCode::F(12)
        && std::env::var_os("SCTUI_TEST_PANIC").is_some()
    {
        tokio::spawn(async { panic!("SCTUI_TEST_PANIC: F12 was pressed") });
    }
}

#[cfg(not(feature = "test-hooks"))]
pub fn on_event(_: &crossterm::event::Event) {}
