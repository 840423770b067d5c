//! The document's head: the stylesheet and the island loader, and the
//! islands they serve.
//!
//! Islands are the only parts of a page that run in the browser.
//! Pages are server-rendered HTML. A part that enhances the page (today the
//! supplier finder's live search) is an `#[island]` component: its props are
//! serialised into a `<leptos-island>` element and only it hydrates. The
//! loader below runs once the document is parsed and fetches the JavaScript
//! and wasm only when the page holds an island, so every other page loads no
//! wasm at all. Without JavaScript every island's markup works on its own
//! (links and forms), so nothing depends on the loader running.
use leptos::prelude::*;
use std::sync::OnceLock;

/// Marks the page once an island has hydrated: the sign that its wasm ran,
/// which browser tests wait for (clicks before then are lost). Effects run
/// only in the browser, so server-rendered HTML never carries the mark.
pub fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// The built site's file names (without extension): the stylesheet, the
/// wasm-bindgen JavaScript and the wasm module. With hashed file names the
/// hashes come from `hash.txt` beside the server binary, which the build
/// writes; read once per process, not once per page.
struct AssetNames {
    css: String,
    js: String,
    wasm: String,
}

fn asset_names(options: &LeptosOptions) -> &'static AssetNames {
    static NAMES: OnceLock<AssetNames> = OnceLock::new();
    NAMES.get_or_init(|| {
        let name = options.output_name.to_string();
        let mut names = AssetNames {
            css: name.clone(),
            js: name.clone(),
            wasm: name,
        };
        if options.hash_files {
            let hashes = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
            for (file, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
                let target = match file.trim() {
                    "css" => &mut names.css,
                    "js" => &mut names.js,
                    "wasm" => &mut names.wasm,
                    _ => continue,
                };
                target.push('.');
                target.push_str(hash.trim());
            }
        } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            // wasm-bindgen's own name for the module when cargo-leptos did not rename it.
            names.wasm.push_str("_bg");
        }
        names
    })
}

/// The site's stylesheet.
#[component]
pub fn Stylesheet(options: LeptosOptions) -> impl IntoView {
    let href = format!(
        "/{}/{}.css",
        options.site_pkg_dir,
        asset_names(&options).css
    );
    view! { <link rel="stylesheet" id="leptos" href=href /> }
}

/// Hydrates the page's islands, if it has any. A module script runs after
/// the document is parsed, when every `<leptos-island>` is already in it.
const LOADER: &str = r#"((pkg, js, wasm) => {
  const islands = document.querySelectorAll("leptos-island");
  if (islands.length === 0) return;
  import(`/${pkg}/${js}.js`).then(async (bundle) => {
    await bundle.default({ module_or_path: `/${pkg}/${wasm}.wasm` });
    bundle.hydrate();
    for (const island of islands) {
      const hydrateIsland = bundle[island.dataset.component];
      if (hydrateIsland) await hydrateIsland(island);
      else console.warn(`No wasm for the island ${island.dataset.component}`);
    }
  });
})"#;

/// The island loader for the document's `<head>`, carrying the page's
/// script nonce (the Content-Security-Policy allows nothing else inline).
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // Outside islands nothing hydrates, so resources read by the server-only
    // parts of a page are not serialised into it; islands switch it back on
    // for themselves.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let names = asset_names(&options);
    let quoted = |value: &str| serde_json::to_string(value).unwrap_or_default();
    let script = format!(
        "{LOADER}({}, {}, {});",
        quoted(&options.site_pkg_dir),
        quoted(&names.js),
        quoted(&names.wasm)
    );
    let nonce = leptos::nonce::use_nonce();
    view! { <script type="module" nonce=nonce>{script}</script> }
}
