//! Fuzzes `PatchPath::parse`: no input panics, and a parsed path prints a path that parses back
//! to the same value.

#![no_main]

use bulwark_scim_protocol::{Limits, PatchPath, urn};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(path) = PatchPath::parse(&text) {
        let printed = path.to_string();
        let loose = Limits::default().with_max_length(usize::MAX);
        assert_eq!(
            PatchPath::parse_with(&printed, &loose, &urn::RESOURCE_SCHEMAS),
            Ok(path),
            "{printed}"
        );
    }
});
