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

/// #16.15: README examples that failed as written. Every `regionlink …` line of the README's
/// shell blocks runs, from a directory holding a copy of `data/` and `examples/` (as a fresh
/// clone has), and exits 0.
#[test]
fn every_readme_command_runs_as_written() {
    let readme = std::fs::read_to_string(common::repo("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data", "examples/data", "examples/data/valley"] {
        let from = common::repo(sub);
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(&from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    let mut ran = 0;
    for block in readme.split("```sh\n").skip(1) {
        let block = block.split("```").next().unwrap();
        for line in block.lines() {
            let Some(cmd) = line.trim().strip_prefix("regionlink ") else {
                continue;
            };
            let cmd = cmd.split(" #").next().unwrap();
            let args: Vec<&str> = cmd.split_whitespace().collect();
            let o = common::run_in(dir.path(), &args);
            assert_eq!(o.code, 0, "regionlink {cmd}: {}", o.stderr);
            ran += 1;
        }
    }
    assert!(ran >= 30, "only {ran} commands found");
}
