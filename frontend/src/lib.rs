//! The browser entry point. Pages are server-rendered; only their islands
//! hydrate (see `app::components::head`), each through the function its
//! `#[island]` exports, after this sets up the reactive runtime.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::hydrate_islands();
}
