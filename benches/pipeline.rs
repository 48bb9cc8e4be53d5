//! The upload pipeline alone on a typical 12-megapixel phone photo, upright (kept as taken:
//! markers rewritten, DCT-scaled decode, thumbnail) and with an EXIF orientation (turned upright
//! block by block, thumbnail from the DC coefficients), and on a 48-megapixel one (capped,
//! decoded and re-encoded): the floor the upload endpoint is measured against.
//! `cargo bench --bench pipeline` (ITERATIONS, default 15).
//!
//! With `PHOTO=file THREADS=n RATE_SECONDS=s`, instead: `n` threads run the pipeline on that file for
//! `s` seconds and the rate is printed (what `scripts/bench-uploads` runs beside each upload
//! run, on the same machine, to state the endpoint as a share of the bare pipeline).

// A benchmark reports on stdout.
#![allow(clippy::print_stdout)]

mod photo;

/// The service's allocator (`src/main.rs`), so that the endpoint is compared with the same
/// pipeline it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use green_channel::documents::pipeline;
use green_channel::platform::config::{Profile, Settings, UploadSettings};

fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// `threads` threads running the pipeline on `photo` for `seconds`: images per second.
fn throughput(settings: &UploadSettings, photo: &str, threads: usize, seconds: u64) {
    let input = bytes::Bytes::from(std::fs::read(photo).expect("the photo"));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let done: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0;
                    while Instant::now() < deadline {
                        pipeline::process(&input, settings).expect("a valid photo");
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker"))
            .sum()
    });
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "pipeline alone: {threads} threads, {done} images in {elapsed:.1} s: {:.2} images/s",
        done as f64 / elapsed
    );
}

fn main() {
    let settings = Settings::figment(Profile::Local)
        .extract_inner::<UploadSettings>("uploads")
        .expect("upload settings");
    if let Ok(photo) = std::env::var("PHOTO") {
        let threads = env("THREADS").unwrap_or(2);
        throughput(
            &settings,
            &photo,
            threads,
            env("RATE_SECONDS").unwrap_or(20),
        );
        return;
    }
    let iterations: usize = env("ITERATIONS").unwrap_or(15);
    for (label, width, height, quality, noise, orientation) in [
        ("12 MP phone photo, upright (kept)", 4000, 3000, 92, 10, 1),
        (
            "12 MP phone photo, EXIF orientation 6 (turned)",
            4000,
            3000,
            92,
            10,
            6,
        ),
        ("48 MP photo (capped to 4096 px)", 8000, 6000, 85, 6, 1),
    ] {
        let input = photo::photo(width, height, quality, noise, 1);
        let input = bytes::Bytes::from(if orientation == 1 {
            input
        } else {
            photo::oriented(&input, orientation)
        });
        let mut times: Vec<Duration> = Vec::with_capacity(iterations);
        let mut output = 0;
        for _ in 0..iterations {
            let start = Instant::now();
            let processed = pipeline::process(&input, &settings).expect("a valid photo");
            times.push(start.elapsed());
            output =
                processed.bytes.iter().map(|b| b.len()).sum::<usize>() + processed.thumbnail.len();
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{label}: {width}x{height} JPEG {:.2} MB in, {:.2} MB out (image + thumbnail); \
             {iterations} runs: min {:.0} ms, median {:.0} ms, max {:.0} ms; {:.2} images/s per core",
            input.len() as f64 / 1e6,
            output as f64 / 1e6,
            ms(times[0]),
            ms(times[iterations / 2]),
            ms(times[iterations - 1]),
            1000.0 / ms(times[iterations / 2]),
        );
    }
}
