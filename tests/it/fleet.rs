//! Issue 14: one emulator, many accounts and regions. Each request is served by the cell of its
//! caller's account and its signing region, through the unmodified SDKs.

use crate::support::*;
use sctui::catalog::{CatalogClient, ProductQuery};

pub const DEV: &str = "AKIADEMODEVADMIN0001";
pub const STAGING: &str = "AKIADEMOSTGADMIN0001";

fn as_in(emu: &sctui::emulator::Emulator, key: &str, region: &str) -> CatalogClient {
    CatalogClient::demo_as(&emu.url(), region, &fast_settings(1), key)
}

async fn names(c: &CatalogClient) -> Vec<String> {
    let q = ProductQuery { page_size: 100, ..Default::default() };
    let mut v: Vec<String> = c.all_products(&q).await.unwrap().0.into_iter().map(|p| p.name).collect();
    v.sort();
    v
}

#[tokio::test]
async fn each_account_and_region_is_its_own_cell() {
    let emu = emulator(0.0).await;
    let admin = sctui::catalog::connect::DEMO_ACCESS_KEY;
    let prod_eu = names(&as_in(&emu, admin, "eu-west-1")).await;
    assert_eq!(prod_eu.len(), 23, "the world's own account and region, as before");
    assert_eq!(names(&as_in(&emu, admin, "us-east-1")).await.len(), 4);
    let dev_eu = names(&as_in(&emu, DEV, "eu-west-1")).await;
    assert_eq!(dev_eu, ["checkout-api-dev", "orders-db-dev", "sessions-cache-dev", "web-dev-01", "web-dev-02"]);
    assert_eq!(names(&as_in(&emu, STAGING, "us-east-1")).await, ["analytics-db-staging-use1", "web-staging-use1-01"]);
    // A region with nothing there: an empty list, as AWS answers.
    assert!(names(&as_in(&emu, DEV, "ap-southeast-2")).await.is_empty());
    // Who the caller is, by account.
    let (account, arn) = as_in(&emu, DEV, "eu-west-1").caller_identity().await.unwrap();
    assert_eq!((account.as_str(), arn.as_str()), ("210987654321", "arn:aws:iam::210987654321:user/demo-operator"));
    // The same product names, different products: each cell has its own records.
    let dev = as_in(&emu, DEV, "eu-west-1");
    let pp = pp_id(&dev, "web-dev-01").await;
    let act = action_id(&dev, &pp, RESTART).await;
    let rec = dev.execute(&pp, &act, None, &uuid::Uuid::new_v4().to_string()).await.unwrap();
    assert!(as_in(&emu, admin, "eu-west-1").record(&rec.record_id).await.is_err(), "not in prod's cell");
    assert!(dev.record(&rec.record_id).await.is_ok());
    let stats = emu.stats();
    assert_eq!(stats.executions_by_account.get("210987654321"), Some(&1));
    assert_eq!(stats.executions_by_account.get("123456789012"), None);
}
