// SPDX-License-Identifier: GPL-2.0-or-later
//! Embeds the lofty version that Cargo.lock resolved, so the JSON output
//! names the exact release that was measured rather than a hand-kept constant.

use std::{env, fs, path::Path};

fn main() {
    let lock = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = fs::read_to_string(&lock).expect("Cargo.lock is committed next to Cargo.toml");

    // Cargo.lock is a list of [[package]] blocks: `name = "..."` then `version = "..."`.
    let mut in_lofty = false;
    let mut version = None;
    for line in text.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            in_lofty = false;
        } else if line == "name = \"lofty\"" {
            in_lofty = true;
        } else if in_lofty {
            if let Some(v) = line.strip_prefix("version = \"") {
                version = Some(v.trim_end_matches('"').to_string());
                break;
            }
        }
    }
    let version = version.expect("lofty is in Cargo.lock");
    println!("cargo:rustc-env=LOFTY_VERSION={version}");
}
