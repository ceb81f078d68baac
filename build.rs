//! Rebuild when the embedded directories change (include_dir does not notice new files).

fn main() {
    println!("cargo:rerun-if-changed=index-schema");
    println!("cargo:rerun-if-changed=seed-data");
    println!("cargo:rerun-if-changed=web");
}
