//! A fixed set of threads for the CPU-heavy work (an image's pipeline, a record's parser), fed
//! in arrival order through one queue.
//!
//! Not tokio's blocking pool: that pool lends the work whichever of its threads is idle (and
//! file I/O shares it), so a photo's tens of MiB were freed into the heap of a different thread
//! nearly every time, and each thread's allocator heap kept its share: the service's peak
//! memory grew with the number of threads that had ever run a pipeline, not with the number
//! running at once. Here the same few threads run every pipeline and reuse what they freed.
//! The queue is also the limit on how many run at once (one per thread).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a job gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("the job panicked")]
    Panicked,
    #[error("the worker threads have stopped")]
    Stopped,
}

/// The threads and the queue into them; cloned cheaply (one queue for all clones).
#[derive(Clone, Debug)]
pub struct Cores {
    queue: mpsc::Sender<Job>,
}

impl Cores {
    /// Starts `threads` threads (at least one) named `{name}-{n}`. They end when the last
    /// clone of the returned value is dropped and the queue has run dry.
    pub fn start(name: &str, threads: usize) -> std::io::Result<Self> {
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..threads.max(1) {
            let jobs = Arc::clone(&jobs);
            std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job, never while
                        // one runs; a poisoned lock cannot happen (no job runs under it).
                        let job = match jobs.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Self { queue })
    }

    /// Runs `work` on one of the threads once those ahead of it in the queue have started,
    /// and answers with its result. A panic in `work` is caught (the thread lives on).
    /// Dropping the future does not withdraw a job already queued: it runs, unobserved.
    pub async fn run<T, F>(&self, work: F) -> Result<T, CoreError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let result = catch_unwind(AssertUnwindSafe(work)).map_err(|_| CoreError::Panicked);
            // The caller may have gone (a client that hung up): nobody to tell.
            let _ = answer.send(result);
        });
        self.queue.send(job).map_err(|_| CoreError::Stopped)?;
        answered.await.map_err(|_| CoreError::Stopped)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn runs_work_on_its_own_threads_and_answers() {
        let cores = Cores::start("test-core", 2).expect("as the test sets it");
        let name = cores
            .run(|| std::thread::current().name().map(str::to_owned))
            .await
            .expect("as the test sets it");
        assert!(name.expect("as the test sets it").starts_with("test-core-"));
        assert_eq!(cores.run(|| 6 * 7).await.expect("as the test sets it"), 42);
    }

    #[tokio::test]
    async fn a_panic_is_an_error_and_the_thread_lives_on() {
        let cores = Cores::start("test-core", 1).expect("as the test sets it");
        let failed = cores.run(|| -> u8 { panic!("boom") }).await;
        assert!(matches!(failed, Err(CoreError::Panicked)));
        assert_eq!(cores.run(|| 1).await.expect("as the test sets it"), 1);
    }

    #[tokio::test]
    async fn no_more_run_at_once_than_there_are_threads() {
        let cores = Cores::start("test-core", 2).expect("as the test sets it");
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..8).map(|_| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            cores.run(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
            })
        });
        for done in futures_util::future::join_all(jobs).await {
            done.expect("as the test sets it");
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
