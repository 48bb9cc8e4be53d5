//! The floors of `src/`, checked from the code's own imports (CONVENTIONS, "Floors"):
//! - the platform (`src/platform/`) imports no area, no `AppState` and no web glue;
//! - no file imports another in a circle (a file depends on what its `use` lines and its
//!   `crate::`/`super::` paths name; a name re-exported by a module is followed to the file
//!   that defines it, so a folder's `mod.rs` that only hands names on ties nothing);
//! - the top-level folders import each other one way only, so the areas stand on floors;
//! - sea-orm is named only in stores (`store.rs`, `store/`), `platform/db.rs` and the
//!   `entity` and `migration` crates.
//!
//! Plain text reading, no dependency: run alone with `cargo test --test layers`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module of the crate: its path (`["cases", "store"]`), its file, its code (comments and
/// unit tests left out).
#[derive(Debug)]
struct Module {
    path: Vec<String>,
    file: String,
    code: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tests") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

/// The code without comments, string contents and the unit tests at the end of the file.
fn code_of(text: &str) -> String {
    let text = match text.find("\n#[cfg(test)]\nmod tests") {
        Some(end) => &text[..end],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                // A string's contents are no code (raw strings here hold no `"` inside).
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push('"');
            }
            '\'' => {
                // A char literal ('"', '{') must not open a string; a lifetime passes as is.
                let rest: String = chars.clone().take(3).collect();
                let literal = rest.starts_with("\\") && rest.len() == 3 && rest.ends_with('\'')
                    || rest.chars().nth(1) == Some('\'');
                if literal {
                    let skip = if rest.starts_with('\\') { 3 } else { 2 };
                    for _ in 0..skip {
                        chars.next();
                    }
                    out.push_str("' '");
                } else {
                    out.push('\'');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn modules(root: &Path) -> Vec<Module> {
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "main.rs"))
        .map(|f| {
            let relative = f.strip_prefix(&src).expect("under src");
            let mut path: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if path.last().is_some_and(|l| l == "mod" || l == "lib") {
                path.pop();
            }
            Module {
                path,
                file: format!("src/{}", relative.display()),
                code: code_of(&fs::read_to_string(&f).expect("a source file")),
            }
        })
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths a `use` tree names, each whole (`a::{b, c::d}` → `a::b`, `a::c::d`); `self`
/// names the prefix, a glob the module itself; `as` renames are dropped.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').expect("a closed use group")];
        let mut base = prefix.to_vec();
        base.extend(head);
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&base, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&base, &inner[start..], out);
        return;
    }
    let tree = tree.split(" as ").next().unwrap_or(tree);
    let mut path = prefix.to_vec();
    for segment in tree.split("::").map(str::trim) {
        match segment {
            "self" if !path.is_empty() => {}
            "*" => {}
            s => path.push(s.to_owned()),
        }
    }
    out.push(path);
}

/// What one module names: (path, from a `pub use`).
fn references(code: &str) -> Vec<(Vec<String>, bool)> {
    let mut found = Vec::new();
    let mut rest = String::with_capacity(code.len());
    // `use` statements first; what is left is searched for `crate::`/`super::`/`self::` paths.
    let mut skip_to = 0;
    for (i, c) in code.char_indices() {
        if i < skip_to {
            continue;
        }
        let at_word = !code[..i].chars().next_back().is_some_and(is_ident);
        if at_word && code[i..].starts_with("use ") {
            let before = code[..i].trim_end();
            let public = ["pub", "pub(crate)", "pub(super)"]
                .iter()
                .any(|p| before.ends_with(p));
            let end = i + code[i..].find(';').expect("a use ends with ;");
            let mut paths = Vec::new();
            expand(&[], &code[i + 4..end], &mut paths);
            found.extend(paths.into_iter().map(|p| (p, public)));
            skip_to = end + 1;
            continue;
        }
        rest.push(c);
    }
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = rest[from..].find(start) {
            let begin = from + at;
            from = begin + start.len();
            if begin > 0 && is_ident(rest[..begin].chars().next_back().unwrap_or(' ')) {
                continue;
            }
            let tail = &rest[begin..];
            let mut segments = Vec::new();
            let mut cursor = 0;
            loop {
                let len = tail[cursor..]
                    .find(|c: char| !is_ident(c))
                    .unwrap_or(tail.len() - cursor);
                if len == 0 {
                    break;
                }
                segments.push(tail[cursor..cursor + len].to_owned());
                cursor += len;
                if tail[cursor..].starts_with("::") && tail[cursor + 2..].starts_with(is_ident) {
                    cursor += 2;
                } else {
                    break;
                }
            }
            found.push((segments, false));
        }
    }
    found
}

struct Crate {
    modules: Vec<Module>,
    by_path: BTreeMap<Vec<String>, usize>,
    /// Per module: the names it re-exports (`pub use`), and the path each stands for.
    exports: Vec<BTreeMap<String, Vec<String>>>,
    /// Per module: what it names, made absolute.
    named: Vec<Vec<(Vec<String>, bool)>>,
}

impl Crate {
    fn read(root: &Path) -> Self {
        let modules = modules(root);
        let by_path = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.path.clone(), i))
            .collect::<BTreeMap<_, _>>();
        let mut named = Vec::new();
        let mut exports = Vec::new();
        for module in &modules {
            let mut absolute = Vec::new();
            let mut exported = BTreeMap::new();
            for (path, public) in references(&module.code) {
                let Some(path) = absolute_path(&module.path, &path, &by_path) else {
                    continue;
                };
                if public && let Some(name) = path.last() {
                    exported.insert(name.clone(), path.clone());
                }
                absolute.push((path, public));
            }
            named.push(absolute);
            exports.push(exported);
        }
        Crate {
            modules,
            by_path,
            exports,
            named,
        }
    }

    /// The file that defines what `path` names: the longest module prefix, through re-exports.
    fn defining(&self, path: &[String], depth: usize) -> Option<usize> {
        let (len, module) = (0..=path.len())
            .rev()
            .find_map(|n| self.by_path.get(&path[..n]).map(|m| (n, *m)))?;
        if len < path.len()
            && depth < 8
            && let Some(target) = self.exports[module].get(&path[len])
        {
            let mut through = target.clone();
            through.extend_from_slice(&path[len + 1..]);
            if through != path {
                return self.defining(&through, depth + 1).or(Some(module));
            }
        }
        Some(module)
    }

    /// File → the files it depends on.
    fn arrows(&self) -> BTreeMap<usize, BTreeSet<usize>> {
        let mut arrows: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for (from, named) in self.named.iter().enumerate() {
            let entry = arrows.entry(from).or_default();
            for (path, public) in named {
                // A re-export alone ties nothing: whoever uses the name depends on its file.
                // One the module also uses itself does.
                if *public {
                    let name = path.last().map(String::as_str).unwrap_or_default();
                    let uses = self.modules[from]
                        .code
                        .match_indices(name)
                        .filter(|(at, _)| {
                            let before = self.modules[from].code[..*at].chars().next_back();
                            let after = self.modules[from].code[at + name.len()..].chars().next();
                            !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
                        })
                        .count();
                    if uses <= 1 {
                        continue;
                    }
                }
                // An ancestor module is depended on only for what it defines itself.
                if let Some(to) = self.defining(path, 0)
                    && to != from
                    && (!self.modules[from].path.starts_with(&self.modules[to].path)
                        || self.is_used_definition(to, path))
                {
                    entry.insert(to);
                }
            }
        }
        arrows
    }

    /// Whether `path` names something the module `to` itself defines (not one of its
    /// submodules): an ancestor module is depended on only for its own items.
    fn is_used_definition(&self, to: usize, path: &[String]) -> bool {
        let module = &self.modules[to].path;
        path.len() > module.len() && path.starts_with(module)
    }
}

/// `path` as seen from `module`, made absolute; `None` for another crate's path.
fn absolute_path(
    module: &[String],
    path: &[String],
    by_path: &BTreeMap<Vec<String>, usize>,
) -> Option<Vec<String>> {
    let mut segments = path.iter();
    let first = segments.next()?;
    let mut base: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => {
            let mut base = module.to_vec();
            base.pop();
            let mut rest: Vec<String> = segments.clone().cloned().collect();
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest.remove(0);
            }
            base.extend(rest);
            return Some(base);
        }
        // A child module named without `self::`.
        child => {
            let mut candidate = module.to_vec();
            candidate.push(child.to_owned());
            if by_path.contains_key(&candidate) {
                candidate
            } else {
                return None;
            }
        }
    };
    base.extend(segments.cloned());
    Some(base)
}

/// Strongly connected groups of more than one node (Tarjan).
fn circles(arrows: &BTreeMap<usize, BTreeSet<usize>>) -> Vec<Vec<usize>> {
    struct Walk<'a> {
        arrows: &'a BTreeMap<usize, BTreeSet<usize>>,
        index: BTreeMap<usize, usize>,
        low: BTreeMap<usize, usize>,
        stack: Vec<usize>,
        on_stack: BTreeSet<usize>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    impl Walk<'_> {
        fn visit(&mut self, node: usize) {
            self.index.insert(node, self.next);
            self.low.insert(node, self.next);
            self.next += 1;
            self.stack.push(node);
            self.on_stack.insert(node);
            let targets: Vec<usize> = self
                .arrows
                .get(&node)
                .map(|t| t.iter().copied().collect())
                .unwrap_or_default();
            for to in targets {
                if !self.index.contains_key(&to) {
                    self.visit(to);
                    let low = self.low[&node].min(self.low[&to]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(&to) {
                    let low = self.low[&node].min(self.index[&to]);
                    self.low.insert(node, low);
                }
            }
            if self.low[&node] == self.index[&node] {
                let mut group = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(&top);
                    group.push(top);
                    if top == node {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        arrows,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    let nodes: BTreeSet<usize> = arrows
        .iter()
        .flat_map(|(from, to)| std::iter::once(*from).chain(to.iter().copied()))
        .collect();
    for node in nodes {
        if !walk.index.contains_key(&node) {
            walk.visit(node);
        }
    }
    walk.found
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn describe(
    group: &[usize],
    arrows: &BTreeMap<usize, BTreeSet<usize>>,
    name: impl Fn(usize) -> String,
) -> String {
    let members: BTreeSet<usize> = group.iter().copied().collect();
    let mut lines = vec![format!(
        "circle of {}: {}",
        group.len(),
        group
            .iter()
            .map(|m| name(*m))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    for from in group {
        for to in arrows.get(from).into_iter().flatten() {
            if members.contains(to) {
                lines.push(format!("  {} -> {}", name(*from), name(*to)));
            }
        }
    }
    lines.join("\n")
}

#[test]
fn no_file_imports_another_in_a_circle() {
    let krate = Crate::read(&root());
    let arrows = krate.arrows();
    let found = circles(&arrows);
    let report: Vec<String> = found
        .iter()
        .map(|g| describe(g, &arrows, |m| krate.modules[m].file.clone()))
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The folder (or file) directly under `src/` a module belongs to.
fn top(module: &Module) -> String {
    module
        .path
        .first()
        .cloned()
        .unwrap_or_else(|| "lib".to_owned())
}

#[test]
fn the_top_level_folders_import_each_other_one_way_only() {
    let krate = Crate::read(&root());
    let mut tops: BTreeMap<String, usize> = BTreeMap::new();
    for module in &krate.modules {
        let next = tops.len();
        tops.entry(top(module)).or_insert(next);
    }
    let names: BTreeMap<usize, String> = tops.iter().map(|(n, i)| (*i, n.clone())).collect();
    let mut arrows: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut why: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for (from, to_all) in krate.arrows() {
        let a = tops[&top(&krate.modules[from])];
        if a == tops["lib"] {
            continue;
        }
        for to in to_all {
            let b = tops[&top(&krate.modules[to])];
            if a != b && b != tops["lib"] {
                arrows.entry(a).or_default().insert(b);
                why.entry((a, b)).or_default().push(format!(
                    "{} -> {}",
                    krate.modules[from].file, krate.modules[to].file
                ));
            }
        }
    }
    let found = circles(&arrows);
    let report: Vec<String> = found
        .iter()
        .map(|g| {
            let mut text = describe(g, &arrows, |t| names[&t].clone());
            for a in g {
                for b in g {
                    if let Some(files) = why.get(&(*a, *b)) {
                        text.push_str(&format!("\n    {}", files.join("\n    ")));
                    }
                }
            }
            text
        })
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn the_platform_imports_no_area() {
    let krate = Crate::read(&root());
    let arrows = krate.arrows();
    let mut wrong = Vec::new();
    for (from, to_all) in &arrows {
        if top(&krate.modules[*from]) != "platform" {
            continue;
        }
        for to in to_all {
            if top(&krate.modules[*to]) != "platform" {
                wrong.push(format!(
                    "{} -> {}",
                    krate.modules[*from].file, krate.modules[*to].file
                ));
            }
        }
    }
    assert!(
        krate.by_path.contains_key(&vec!["platform".to_owned()]),
        "src/platform/ holds the infrastructure"
    );
    assert!(
        wrong.is_empty(),
        "the platform reaches up:\n{}",
        wrong.join("\n")
    );
}

/// Every query lives in a store and every decision in the domain's own types: sea-orm (or an
/// entity) is named only in a `store.rs` or a `store/` folder (the platform's database too:
/// `platform/db/store.rs`).
#[test]
fn sea_orm_is_named_only_in_stores() {
    let krate = Crate::read(&root());
    let allowed = |file: &str| file.ends_with("/store.rs") || file.contains("/store/");
    // `entity::` as a path of its own (not the end of `identity::`).
    let names_sea_orm = |m: &Module| {
        m.code.contains("sea_orm")
            || m.code
                .match_indices("entity::")
                .any(|(at, _)| !m.code[..at].chars().next_back().is_some_and(is_ident))
    };
    let wrong: Vec<&str> = krate
        .modules
        .iter()
        .filter(|m| !allowed(&m.file) && names_sea_orm(m))
        .map(|m| m.file.as_str())
        .collect();
    assert!(
        wrong.is_empty(),
        "sea-orm outside a store:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_use_tree_names_each_path_whole() {
    let mut paths = Vec::new();
    expand(
        &[],
        "crate::{cases::{self, store::Case as C}, platform::*}",
        &mut paths,
    );
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "crate::cases",
            "crate::cases::store::Case",
            "crate::platform"
        ]
    );
}

#[test]
fn comments_strings_and_unit_tests_are_no_code() {
    let code = code_of(
        "use a::b; // crate::x\n/* crate::y */ let s = \"crate::z\"; let c = '\"';\n\
         fn f() { crate::w::g() }\n#[cfg(test)]\nmod tests { use crate::v; }",
    );
    assert!(code.contains("crate::w::g"));
    for absent in ["crate::x", "crate::y", "crate::z", "crate::v"] {
        assert!(!code.contains(absent), "{absent} in {code}");
    }
    let found: Vec<String> = references(&code)
        .into_iter()
        .map(|(p, _)| p.join("::"))
        .collect();
    assert_eq!(found, ["a::b", "crate::w::g"]);
}

#[test]
fn circles_are_found_and_a_line_is_none() {
    let arrows: BTreeMap<usize, BTreeSet<usize>> = [
        (0, [1].into()),
        (1, [2].into()),
        (2, [0, 3].into()),
        (3, [4].into()),
    ]
    .into();
    assert_eq!(circles(&arrows), vec![vec![0, 1, 2]]);
    let line: BTreeMap<usize, BTreeSet<usize>> = [(0, [1].into()), (1, [2].into())].into();
    assert!(circles(&line).is_empty());
}
