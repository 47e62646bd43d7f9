//! Which scripts a command reads: files as named, directories walked for `*.flux`.

use std::path::{Path, PathBuf};

use super::Input;

/// How directories are walked.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Also enter hidden files and directories.
    pub hidden: bool,
    /// Ignore .gitignore, .ignore and git excludes.
    pub no_ignore: bool,
}

/// Files named on the command line are always checked; directories are walked for `*.flux`,
/// skipping what `.gitignore`/`.ignore` exclude and hidden entries (as ripgrep does).
pub fn collect_inputs(
    paths: &[PathBuf],
    stdin_filename: &str,
    options: WalkOptions,
) -> (Vec<Input>, Vec<(String, String)>) {
    let default = [PathBuf::from(".")];
    let roots = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stdin = None;
    for root in roots {
        if root.as_os_str() == "-" {
            stdin = Some(Input::from_arg(root, stdin_filename));
        } else if root.is_dir() {
            walk(root, options, &mut files, &mut errors);
        } else {
            files.push(root.clone());
        }
    }
    files.sort();
    files.dedup();
    let mut inputs: Vec<Input> = files.into_iter().map(Input::Path).collect();
    inputs.extend(stdin);
    (inputs, errors)
}

fn walk(
    root: &Path,
    options: WalkOptions,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<(String, String)>,
) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(!options.hidden)
        .git_ignore(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .git_global(!options.no_ignore)
        .ignore(!options.no_ignore)
        .parents(!options.no_ignore)
        .require_git(false)
        .build();
    for entry in walker {
        match entry {
            Ok(e)
                if e.file_type().is_some_and(|t| t.is_file())
                    && e.path().extension().is_some_and(|x| x == "flux") =>
            {
                files.push(e.into_path());
            }
            Ok(_) => {}
            Err(e) => errors.push((root.display().to_string(), e.to_string())),
        }
    }
}
