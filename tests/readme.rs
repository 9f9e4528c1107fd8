//! The README's library example is `examples/library.rs` (which CI runs), word for word.

#![allow(clippy::unwrap_used)]

mod common;

#[test]
fn the_readme_library_example_is_examples_library_rs() {
    let readme = std::fs::read_to_string(common::repo("README.md")).unwrap();
    let example = std::fs::read_to_string(common::repo("examples/library.rs")).unwrap();
    let code = example.split_once("\n\n").map(|(_, rest)| rest).unwrap();
    assert!(
        readme.contains(&format!("```rust\n{code}```")),
        "README.md's library section differs from examples/library.rs"
    );
}
