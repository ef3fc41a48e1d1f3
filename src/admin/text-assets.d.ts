// Text imports of the dashboard's script and stylesheet (Bun `with { type: "text" }`).
declare module "*/dashboard/app.js" {
  const text: string;
  export default text;
}
declare module "*/dashboard/app.css" {
  const text: string;
  export default text;
}
