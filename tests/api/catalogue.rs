//! The operation catalogue: one valid request per operation of the contract.

use crate::helpers::TestApp;

#[tokio::test]
async fn the_demo_database_holds_the_demo_county() {
    let app = TestApp::spawn_demo().await;
    assert_eq!(app.count("SELECT count(*) AS n FROM assessment_cycles WHERE year = 2014"), 1);
}
